from django import forms
from django.db.models import Value
from django.utils.translation import gettext_lazy as _

from accounts.forms import TimeZoneField
from cohorts.models import Cohort, Role
from mentorship.prepared import Prepared

from .identity import IDENTITY_QUESTIONS, PREFER_NOT_TO_SAY
from .models import Application, Availability, ConfidenceStatement, OutreachChannel, Question, Tag

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000
SCALE = [(number, str(number)) for number in range(1, 6)]
CONFIDENCE_SCALE = [
    (1, _("1 — Not at all like me")),
    (2, _("2")),
    (3, _("3")),
    (4, _("4")),
    (5, _("5 — Very much like me")),
]
MENTEE_CAPACITY = [(1, "1"), (2, "2"), (3, "3")]


def question_field(question: Question, *, strict: bool) -> forms.Field:
    common = {"label": question.text, "help_text": question.help, "required": strict and question.required}
    match question.kind:
        case Question.Kind.SHORT_TEXT:
            return forms.CharField(max_length=SHORT_TEXT_MAX, **common)
        case Question.Kind.LONG_TEXT:
            return forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), **common)
        case Question.Kind.SINGLE_CHOICE:
            return forms.ChoiceField(choices=question.choice_list(), widget=forms.RadioSelect, **common)
        case Question.Kind.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(
                choices=question.choice_list(), widget=forms.CheckboxSelectMultiple, **common
            )
        case _:
            return forms.TypedChoiceField(choices=SCALE, coerce=int, widget=forms.RadioSelect, **common)


TAG_FIELDS = {"goals": Tag.Kind.GOAL, "skills": Tag.Kind.SKILL, "industries": Tag.Kind.INDUSTRY}


def tags_field(label) -> forms.TypedMultipleChoiceField:
    """Tag ids; the choices are filled in from one query for the three lists (see ApplicationForm)."""
    return forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple, required=False, label=label)


def chosen_tags(application: Application) -> list[tuple[str, int]]:
    """(field name, tag id) of the goals, skills and industries the application chose, in one query."""
    parts = [
        getattr(Application, name)
        .through.objects.filter(application=application)
        .annotate(field=Value(name))
        .values_list("field", "tag_id")
        for name in TAG_FIELDS
    ]
    return list(parts[0].union(*parts[1:], all=True))


# Compiled once per process (mentorship/prepared.py): every visit to an application form asks them.
_active_tags = Prepared(lambda: Tag.objects.filter(active=True))
_questions = Prepared(lambda cohort_id, role: Question.objects.filter(cohort=cohort_id, role=role))
_active_statements = Prepared(lambda: ConfidenceStatement.objects.filter(active=True))


class ApplicationForm(forms.Form):
    """The application of one role to one cohort: the cohort's questions and what matching needs.

    ``strict`` (continuing towards submission) requires what a submission needs; a draft saves as is.
    """

    goals = tags_field(_("Your goals"))
    skills = tags_field(_("Your skills"))
    industries = tags_field(_("Industries you work in or want to work in"))
    time_zone = TimeZoneField()
    availability = forms.MultipleChoiceField(
        label=_("When are you usually free to meet?"),
        help_text=_("In your own time zone. Tick all that apply."),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    outreach_channel = forms.ModelChoiceField(
        label=_("How did you hear about the program?"),
        queryset=OutreachChannel.objects.filter(active=True),
        required=False,
    )

    def __init__(self, *args, cohort: Cohort, role: str, application: Application | None, strict: bool, **kwargs):
        self.cohort, self.role = cohort, role
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False  # "save draft" must never be blocked by the browser
        tags = _active_tags()
        for name, kind in TAG_FIELDS.items():
            self.fields[name].choices = [(tag.pk, tag.name) for tag in tags if tag.kind == kind]
        self.questions = _questions(cohort.pk, str(role))
        self.statements = _active_statements()
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = question_field(question, strict=strict)
        for statement in self.statements:
            self.fields[f"confidence_{statement.pk}"] = forms.TypedChoiceField(
                label=statement.name, choices=CONFIDENCE_SCALE, coerce=int, widget=forms.RadioSelect, required=strict
            )
        if role == Role.MENTOR:
            self.fields["mentee_capacity"] = forms.TypedChoiceField(
                label=_("How many mentees can you take?"),
                choices=MENTEE_CAPACITY,
                coerce=int,
                widget=forms.RadioSelect,
                required=strict,
            )
            self.fields["wants_stipend"] = forms.BooleanField(
                label=_("I would like to receive the program's mentor stipend"), required=False
            )
        self.fields["availability"].required = strict
        if application is not None:
            self.initial |= self._initial_from(application)

    def _initial_from(self, application: Application) -> dict:
        initial = {name: [] for name in TAG_FIELDS}
        for name, tag_id in chosen_tags(application):
            initial[name].append(tag_id)
        initial |= {
            "time_zone": application.time_zone,
            "availability": application.availability,
            "outreach_channel": application.outreach_channel_id,
            "mentee_capacity": application.mentee_capacity,
            "wants_stipend": application.wants_stipend,
        }
        initial |= {f"question_{answer.question_id}": answer.value for answer in application.answers.all()}
        initial |= {
            f"confidence_{rating.statement_id}": rating.rating for rating in application.confidence_ratings.all()
        }
        return initial

    def sections(self) -> list[tuple[str, list]]:
        """The fields grouped for display, each group a fieldset with a legend."""
        names = list(self.fields)
        questions = [self[name] for name in names if name.startswith("question_")]
        confidence = [self[name] for name in names if name.startswith("confidence_")]
        about = [self[name] for name in ("goals", "skills", "industries")]
        practical = [self[name] for name in ("time_zone", "availability", "mentee_capacity", "wants_stipend")
                     if name in self.fields]  # fmt: skip
        return [
            (_("Your answers"), questions),
            (_("Goals, skills and industries"), about),
            (_("Practical details"), practical),
            (_("How confident do you feel? Rate each statement from 1 to 5."), confidence),
            (_("One last thing"), [self["outreach_channel"]]),
        ]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "goals": data["goals"],
            "skills": data["skills"],
            "industries": data["industries"],
            "time_zone": data["time_zone"],
            "availability": data["availability"],
            "outreach_channel": data["outreach_channel"],
            "mentee_capacity": data.get("mentee_capacity") or None,
            "wants_stipend": data.get("wants_stipend", False),
            "answers": {question: data.get(f"question_{question.pk}") for question in self.questions},
            "confidence": {statement: data.get(f"confidence_{statement.pk}") for statement in self.statements},
        }


class SelfIdentificationForm(forms.Form):
    """Every question optional; nothing is kept without the consent box ticked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        for question in IDENTITY_QUESTIONS:
            if question.multiple:
                field = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.ChoiceField(widget=forms.RadioSelect)
            field.label, field.choices, field.required = question.label, question.choices, False
            self.fields[question.key] = field
        self.fields["share_with_match"] = forms.BooleanField(
            label=_("Share these answers with my match"),
            help_text=_("Only the person you are matched with will see them, and only if you tick this."),
            required=False,
        )
        self.fields["consent"] = forms.BooleanField(
            label=_(
                "I agree that the program staff keep these answers to build a diverse program and report on it "
                "in anonymous totals. I can change or delete them at any time."
            ),
            required=False,
        )

    def clean(self):
        data = super().clean()
        for question in IDENTITY_QUESTIONS:
            value = data.get(question.key)
            if question.multiple and value and PREFER_NOT_TO_SAY in value and len(value) > 1:
                self.add_error(question.key, _("Choose either “Prefer not to say” or other answers, not both."))
        return data

    def answers(self) -> dict:
        return {question.key: self.cleaned_data.get(question.key) for question in IDENTITY_QUESTIONS}
