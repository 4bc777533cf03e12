"""The default questions every new cohort can start from (staff edit them per cohort)."""

from cohorts.models import Cohort, Role

from .models import Question

COLLABORATION_CHOICES_EN = "Video calls\nPhone calls\nIn person\nWritten messages\nWorking on something together"
COLLABORATION_CHOICES_FR = (
    "Appels vidéo\nAppels téléphoniques\nEn personne\nMessages écrits\nTravailler ensemble sur un projet"
)

# (role, kind, English, French, required)
DEFAULT_QUESTIONS = [
    (Role.MENTEE, Question.Kind.LONG_TEXT, "Why do you want to take part in this program?",
     "Pourquoi voulez-vous participer à ce programme ?", True),
    (Role.MENTEE, Question.Kind.LONG_TEXT, "What skills and experience do you bring?",
     "Quelles compétences et quelle expérience apportez-vous ?", True),
    (Role.MENTEE, Question.Kind.LONG_TEXT, "What outcome do you expect from the program?",
     "Qu’attendez-vous du programme ?", True),
    (Role.MENTEE, Question.Kind.MULTIPLE_CHOICE, "How do you like to collaborate?",
     "Comment aimez-vous collaborer ?", False),
    (Role.MENTOR, Question.Kind.LONG_TEXT, "Why do you want to mentor in this program?",
     "Pourquoi voulez-vous être mentor dans ce programme ?", True),
    (Role.MENTOR, Question.Kind.LONG_TEXT, "What skills and experience do you bring?",
     "Quelles compétences et quelle expérience apportez-vous ?", True),
    (Role.MENTOR, Question.Kind.LONG_TEXT, "What outcome do you hope your mentee reaches?",
     "Quel résultat souhaitez-vous voir votre mentoré·e atteindre ?", True),
    (Role.MENTOR, Question.Kind.MULTIPLE_CHOICE, "How do you like to collaborate?",
     "Comment aimez-vous collaborer ?", False),
]  # fmt: skip


def questions_add_defaults(*, cohort: Cohort) -> int:
    """Add the default questions the cohort does not ask yet (by English wording); returns how many."""
    asked = set(cohort.questions.values_list("role", "text_en"))
    position = (cohort.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    added = []
    for role, kind, text_en, text_fr, required in DEFAULT_QUESTIONS:
        if (role, text_en) in asked:
            continue
        choices = kind == Question.Kind.MULTIPLE_CHOICE
        added.append(
            Question(
                cohort=cohort,
                role=role,
                kind=kind,
                text_en=text_en,
                text_fr=text_fr,
                choices_en=COLLABORATION_CHOICES_EN if choices else "",
                choices_fr=COLLABORATION_CHOICES_FR if choices else "",
                required=required,
                position=position + len(added),
            )
        )
    Question.objects.bulk_create(added)
    return len(added)
