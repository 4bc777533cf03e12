from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.validators import validate_time_zone
from cohorts.models import Cohort, Role
from mentorship.crypto import EncryptedJSONField
from mentorship.i18n import Localized, active_language


class SqliteSafeIndex(models.Index):
    """An index whose ``NULLS LAST`` stays out of SQLite (the quick start's database), which refuses it in an index
    and puts empty values last in a descending order anyway. PostgreSQL gets the index as written."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        expressions = [
            models.OrderBy(expression.expression, descending=expression.descending)
            if isinstance(expression, models.OrderBy)
            else expression
            for expression in self.expressions
        ]
        plain = models.Index(*expressions, name=self.name, db_tablespace=self.db_tablespace)
        return plain.create_sql(model, schema_editor, using=using, **kwargs)


class BilingualName(models.Model):
    """A staff-managed entry of a list of choices, named in both languages."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered"), default=True, help_text=_("Unticked: no longer offered on forms."))

    name = Localized("name")

    class Meta:
        abstract = True
        ordering = ["position", "name_en"]

    def __str__(self) -> str:
        return self.name


class Tag(BilingualName):
    """A goal, skill or industry that applicants choose; matching uses the ones both sides share."""

    class Kind(models.TextChoices):
        GOAL = "goal", _("Goal")
        SKILL = "skill", _("Skill")
        INDUSTRY = "industry", _("Industry")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta(BilingualName.Meta):
        verbose_name = _("goal, skill or industry")
        verbose_name_plural = _("goals, skills and industries")
        ordering = ["kind", "position", "name_en"]


class OutreachChannel(BilingualName):
    """How someone heard of the program."""

    class Meta(BilingualName.Meta):
        verbose_name = _("outreach channel")
        verbose_name_plural = _("outreach channels")


class ConfidenceStatement(BilingualName):
    """A statement applicants rate from 1 to 5 at application, and again in the surveys."""

    class Meta(BilingualName.Meta):
        verbose_name = _("confidence statement")
        verbose_name_plural = _("confidence statements")


class RubricCriterion(BilingualName):
    """What reviewers score an application on, from 1 to 5."""

    role = models.CharField(
        _("role"), max_length=10, choices=Role.choices, blank=True, help_text=_("Blank: used for both roles.")
    )

    class Meta(BilingualName.Meta):
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")


class Question(models.Model):
    """A question staff ask applicants of one role in one cohort. Questions are rows, not fields."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        SINGLE_CHOICE = "single_choice", _("One choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
        SCALE = "scale", _("Scale from 1 to 5")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="questions", verbose_name=_("cohort"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LONG_TEXT)
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_fr = models.CharField(_("question (French)"), max_length=300, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=300, blank=True)
    help_fr = models.CharField(_("help (French)"), max_length=300, blank=True)
    choices_en = models.TextField(
        _("choices (English)"), blank=True, help_text=_("For choice questions: one choice per line.")
    )
    choices_fr = models.TextField(
        _("choices (French)"), blank=True, help_text=_("The same choices in the same order, one per line.")
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    text = Localized("text")
    help = Localized("help")

    class Meta:
        verbose_name = _("application question")
        verbose_name_plural = _("application questions")
        ordering = ["cohort", "role", "position", "id"]

    def __str__(self) -> str:
        return self.text

    def choice_list(self) -> list[tuple[str, str]]:
        """(value, label) pairs; the value is the choice's number so that answers survive a re-wording."""
        english = [line.strip() for line in self.choices_en.splitlines() if line.strip()]
        french = [line.strip() for line in self.choices_fr.splitlines() if line.strip()]
        labels = french if active_language() == "fr" and len(french) == len(english) else english
        return [(str(number), label) for number, label in enumerate(labels, start=1)]


class Availability(models.TextChoices):
    """Weekly availability, in the applicant's own time zone."""

    WEEKDAY_MORNING = "weekday_morning", _("Weekday mornings")
    WEEKDAY_LUNCH = "weekday_lunch", _("Weekday lunchtimes")
    WEEKDAY_AFTERNOON = "weekday_afternoon", _("Weekday afternoons")
    WEEKDAY_EVENING = "weekday_evening", _("Weekday evenings")
    WEEKEND_MORNING = "weekend_morning", _("Weekend mornings")
    WEEKEND_AFTERNOON = "weekend_afternoon", _("Weekend afternoons")
    WEEKEND_EVENING = "weekend_evening", _("Weekend evenings")


class ApplicationQuerySet(models.QuerySet):
    def of(self, user):
        """Only this person's applications: any other id is a 404."""
        return self.filter(user=user)


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="applications", verbose_name=_("cohort"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    goals = models.ManyToManyField(
        Tag, blank=True, related_name="+", limit_choices_to={"kind": Tag.Kind.GOAL}, verbose_name=_("goals")
    )
    skills = models.ManyToManyField(
        Tag, blank=True, related_name="+", limit_choices_to={"kind": Tag.Kind.SKILL}, verbose_name=_("skills")
    )
    industries = models.ManyToManyField(
        Tag, blank=True, related_name="+", limit_choices_to={"kind": Tag.Kind.INDUSTRY}, verbose_name=_("industries")
    )
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    outreach_channel = models.ForeignKey(
        OutreachChannel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("heard of the program through"),
    )
    mentee_capacity = models.PositiveSmallIntegerField(_("mentees they can take"), null=True, blank=True)
    wants_stipend = models.BooleanField(_("wants the stipend"), default=False)
    is_alumni = models.BooleanField(
        _("alumni"), default=False, help_text=_("Was a mentee of an earlier cohort of this program.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()
    # Who changed what and when (django-simple-history). The identity answers live in another model,
    # which keeps no history: they never reach a history table.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user", "role"], name="one_application_per_role"),
            models.CheckConstraint(
                condition=Q(mentee_capacity__isnull=True) | Q(mentee_capacity__gte=1, mentee_capacity__lte=3),
                name="application_mentor_capacity_1_to_3",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "role", "status"]),
            # The staff list's order (applications/admin.py: newest submission first, then the admin's "-pk"): the
            # page of 100 is read from this index instead of sorting every application (and computing each one's
            # review count and mean score) first: 5 ms instead of 96 ms at 10,000 (bench/bench_load.py).
            SqliteSafeIndex(
                models.F("submitted_at").desc(nulls_last=True), models.F("id").desc(), name="application_list_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("applications:detail", args=[self.pk])

    @property
    def is_open_for_changes(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED) and self.cohort.is_accepting_applications()


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # Text for text questions, the choice number for one choice, a list of numbers for several, 1-5 for a scale.
    value = models.JSONField(default=str, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return self.display()

    def display(self) -> str:
        labels = dict(self.question.choice_list())
        if isinstance(self.value, list):
            return ", ".join(labels.get(str(value), str(value)) for value in self.value)
        if self.question.kind == Question.Kind.SINGLE_CHOICE:
            return labels.get(str(self.value), str(self.value))
        return str(self.value)


class ConfidenceRating(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="confidence_ratings")
    statement = models.ForeignKey(ConfidenceStatement, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("confidence rating")
        verbose_name_plural = _("confidence ratings")
        constraints = [
            models.UniqueConstraint(fields=["application", "statement"], name="one_rating_per_statement"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="confidence_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.rating}"


class SelfIdentification(models.Model):
    """Optional answers about identity. Only staff with the dedicated permission ever see them."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="self_identification")
    # Encrypted at rest (mentorship/crypto.py): the column holds no readable answer.
    answers = EncryptedJSONField(default=dict, blank=True)
    consented_at = models.DateTimeField(_("consent given at"))
    share_with_match = models.BooleanField(_("share with my match"), default=False)

    class Meta:
        verbose_name = _("self-identification")
        verbose_name_plural = _("self-identifications")
        default_permissions = ()
        permissions = [("view_identity", _("Can see self-identification answers"))]

    def __str__(self) -> str:
        return str(_("Self-identification"))


class IdentityTally(models.Model):
    """Anonymous counts of self-identification answers that were deleted (after the retention period,
    or when a person was erased), so that past cohort reports stay correct: no person, only numbers."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="identity_tallies")
    role = models.CharField(max_length=6, choices=Role.choices)
    # Whether the deleted answers were those of accepted people: the cohort report's pools are the accepted.
    accepted = models.BooleanField(default=False)
    question = models.CharField(max_length=40)
    answer = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("anonymous identity count")
        verbose_name_plural = _("anonymous identity counts")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "role", "accepted", "question", "answer"], name="one_tally_per_answer"
            )
        ]

    def __str__(self) -> str:
        accepted = "accepted " if self.accepted else ""
        return f"{self.cohort_id} {self.role} {accepted}{self.question}={self.answer}: {self.count}"


class Review(models.Model):
    """One reviewer's scores of one application against the rubric."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("reviewer")
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)  # {criterion id: 1-5}
    mean = models.DecimalField(_("mean score"), max_digits=3, decimal_places=2, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.mean}"


class ApplicationEvent(models.Model):
    """The history of an application, written by every service that changes it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Started")
        SUBMITTED = "submitted", _("Submitted")
        EDITED = "edited", _("Edited after submission")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    email_sent_at = models.DateTimeField(_("email sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class AlumniInvitation(models.Model):
    """A mentee of an ended cohort invited to mentor in the program's next cohort: one email each."""

    participant = models.ForeignKey("cohorts.Participant", on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alumni invitation")
        verbose_name_plural = _("alumni invitations")
        constraints = [models.UniqueConstraint(fields=["participant", "cohort"], name="one_invitation_per_cohort")]

    def __str__(self) -> str:
        return f"{self.participant} → {self.cohort}"
