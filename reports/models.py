"""What participants report after (or during) their program: the outcomes the cohort report counts."""

from django.conf import settings
from django.db import models
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

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.happened_on})"
