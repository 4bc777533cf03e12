"""What participants tell us after (or during) their program: the outcomes they report and their answers to
the two surveys. The cohort report counts them; it never shows a person's answers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutcomeQuerySet(models.QuerySet):
    def of_user(self, user):
        """The outcomes of a person's participations (any role, any cohort)."""
        return self.filter(participant__user=user)


class Outcome(models.Model):
    """Something that happened to a participant's career: reported by them on their page, or by staff."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Job interview")
        OFFER = "offer", _("Job offer")
        NEW_ROLE = "new_role", _("New role")
        PROMOTION = "promotion", _("Promotion")
        RAISE = "raise", _("Raise")
        FOUNDED_COMPANY = "founded_company", _("Founded a company")
        SPOKE_AT_EVENT = "spoke_at_event", _("Spoke at an event")

    participant = models.ForeignKey(
        "cohorts.Participant", on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("participant")
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    # Not in the future: the forms check it (in the person's time zone); the database cannot.
    happened_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["participant", "kind", "happened_on"], name="outcome_participant_kind_on")]
        permissions = [("view_cohort_report", _("Can see cohort reports"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.happened_on})"


class SurveyInvitationQuerySet(models.QuerySet):
    def of_user(self, user):
        """Only this person's invitations: any other id is a 404."""
        return self.filter(participant__user=user)


class SurveyInvitation(models.Model):
    """One survey sent to one participant: each kind at most once per person and cohort (the constraint)."""

    class Kind(models.TextChoices):
        END_OF_PROGRAM = "program", _("End of the program")
        END_OF_MENTORSHIP = "mentorship", _("End of the mentorship")

    participant = models.ForeignKey(
        "cohorts.Participant",
        on_delete=models.CASCADE,
        related_name="survey_invitations",
        verbose_name=_("participant"),
    )
    kind = models.CharField(_("survey"), max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"))
    closes_at = models.DateTimeField(_("closes at"))
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = SurveyInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["participant", "kind"], name="one_survey_of_a_kind")]
        indexes = [models.Index(fields=["kind", "sent_at"], name="survey_kind_sent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.participant}"

    def is_open(self, now=None) -> bool:
        return (now or timezone.now()) < self.closes_at


class SurveyResponse(models.Model):
    """A person's answers to one survey; a second submission replaces the first until the survey closes."""

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="response", verbose_name=_("survey")
    )
    recommend = models.PositiveSmallIntegerField(
        _("would recommend the program (0-10)"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    helped = models.TextField(_("what helped most"), max_length=2000, blank=True)
    change = models.TextField(_("what to change"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("first submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.CheckConstraint(condition=Q(recommend__gte=0, recommend__lte=10), name="survey_recommend_0_to_10")
        ]

    def __str__(self) -> str:
        return str(self.invitation)


class SurveyRating(models.Model):
    """A confidence statement rated in a survey: paired with the same statement in the person's application."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="ratings")
    statement = models.ForeignKey("applications.ConfidenceStatement", on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("survey confidence rating")
        verbose_name_plural = _("survey confidence ratings")
        constraints = [
            models.UniqueConstraint(fields=["response", "statement"], name="one_survey_rating_per_statement"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.rating}"
