"""The CSV export of applications for staff: one row per application, the same number of queries at any size.

Self-identification columns are written only when the caller says the reader may see them
(``include_identity``, from the ``applications.view_identity`` permission).
"""

import csv
import io

from django.db.models import Avg, Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from .identity import IDENTITY_QUESTIONS
from .models import Answer, Application, Availability, ConfidenceStatement, Question, SelfIdentification

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection"):
# https://owasp.org/www-community/attacks/CSV_Injection
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, with a leading quote when a spreadsheet would read the text as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def identity_answers(identity: SelfIdentification) -> list[tuple[str, str]]:
    """(question, chosen answers) for each self-identification question, in the active language."""
    rows = []
    for question in IDENTITY_QUESTIONS:
        value = identity.answers.get(question.key)
        values = value if isinstance(value, list) else [value] if value not in (None, "") else []
        labels = dict(question.choices)
        rows.append((str(question.label), ", ".join(str(labels.get(choice, choice)) for choice in values)))
    return rows


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _names(tags) -> str:
    return "; ".join(tag.name for tag in tags)


def applications_csv(queryset: QuerySet[Application], *, include_identity: bool) -> str:
    """The selected applications as CSV text, with a column per question of their cohorts."""
    applications = (
        Application.objects.filter(pk__in=queryset.order_by().values("pk"))
        .select_related("cohort__program", "user", "outreach_channel")
        .annotate(export_review_count=Count("reviews"), export_mean_score=Avg("reviews__mean"))
        .prefetch_related(
            "goals",
            "skills",
            "industries",
            "confidence_ratings",
            Prefetch("answers", queryset=Answer.objects.select_related("question")),
        )
        .order_by("cohort__start_date", "cohort_id", "role", "submitted_at", "pk")
    )
    if include_identity:
        applications = applications.select_related("self_identification")
    applications = list(applications)

    cohort_ids = {application.cohort_id for application in applications}
    questions = list(
        Question.objects.filter(cohort_id__in=cohort_ids)
        .select_related("cohort__program")
        .order_by("cohort__start_date", "cohort_id", "role", "position", "id")
    )
    statements = list(ConfidenceStatement.objects.order_by("position", "name_en"))
    several_cohorts = len(cohort_ids) > 1
    availability = dict(Availability.choices)

    header = [
        _("cohort"),
        _("role"),
        _("status"),
        _("name"),
        _("email address"),
        _("pronouns"),
        _("language"),
        _("time zone"),
        _("submitted at"),
        _("heard of the program through"),
        _("goals"),
        _("skills"),
        _("industries"),
        _("weekly availability"),
        _("mentees they can take"),
        _("wants the stipend"),
        _("alumni"),
        _("reviews"),
        _("mean score"),
    ]
    for question in questions:
        prefix = f"{question.cohort} — " if several_cohorts else ""
        header.append(f"{prefix}{question.get_role_display()}: {question.text}")
    header += [_("Confidence: %(statement)s") % {"statement": statement.name} for statement in statements]
    if include_identity:
        header += [str(question.label) for question in IDENTITY_QUESTIONS]
        header += [_("share with my match"), _("consent given at")]

    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([safe_cell(str(cell)) for cell in header])
    for application in applications:
        user = application.user
        submitted_at = (
            application.submitted_at.astimezone(application.cohort.zone) if application.submitted_at else None
        )
        row = [
            str(application.cohort),
            application.get_role_display(),
            application.get_status_display(),
            user.display_name,
            user.email,
            user.pronouns,
            user.language,
            application.time_zone,
            submitted_at.strftime("%Y-%m-%d %H:%M") if submitted_at else "",
            application.outreach_channel.name if application.outreach_channel else "",
            _names(application.goals.all()),
            _names(application.skills.all()),
            _names(application.industries.all()),
            "; ".join(str(availability.get(slot, slot)) for slot in application.availability or []),
            application.mentee_capacity or "",
            _yes_no(application.wants_stipend),
            _yes_no(application.is_alumni),
            application.export_review_count,
            f"{application.export_mean_score:.2f}" if application.export_mean_score is not None else "",
        ]
        answers = {answer.question_id: answer for answer in application.answers.all()}
        row += [answers[question.pk].display() if question.pk in answers else "" for question in questions]
        ratings = {rating.statement_id: rating.rating for rating in application.confidence_ratings.all()}
        row += [ratings.get(statement.pk, "") for statement in statements]
        if include_identity:
            identity = getattr(application, "self_identification", None)
            if identity is None:
                row += [""] * (len(IDENTITY_QUESTIONS) + 2)
            else:
                row += [chosen for _label, chosen in identity_answers(identity)]
                row += [
                    _yes_no(identity.share_with_match),
                    identity.consented_at.astimezone(application.cohort.zone).strftime("%Y-%m-%d %H:%M"),
                ]
        writer.writerow([safe_cell(cell) for cell in row])
    return output.getvalue()
