from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cohorts.models import Cohort, Participant

DEFAULT_WEIGHTS = {
    "ratings": 10.0,
    "goals": 1.0,
    "skills": 1.0,
    "industries": 1.0,
    "language": 1.0,
    "time_zone": 1.0,
    "availability": 1.0,
    "affinity": 2.0,
}


class Mode(models.TextChoices):
    BEST = "best", _("Best overall")
    STABLE = "stable", _("Stable")


class PairRule(models.Model):
    """A pair staff forbid (a conflict of interest, such as the same employer) or pin (always matched)."""

    class Kind(models.TextChoices):
        FORBID = "forbid", _("Never match")
        PIN = "pin", _("Always match")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pair_rules", verbose_name=_("cohort"))
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentee"))
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentor"))
    kind = models.CharField(_("rule"), max_length=6, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("pinned or forbidden pair")
        verbose_name_plural = _("pinned and forbidden pairs")
        constraints = [models.UniqueConstraint(fields=["mentee", "mentor"], name="one_rule_per_pair")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.mentee.user} — {self.mentor.user}"


class MatchRun(models.Model):
    """One run of the matching engine for a cohort: a proposal staff inspect, adjust and publish."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="match_runs", verbose_name=_("cohort"))
    mode = models.CharField(_("mode"), max_length=6, choices=Mode.choices, default=Mode.BEST)
    weights = models.JSONField(_("weights"), default=dict)
    quality = models.JSONField(_("quality"), default=dict)
    unmatched = models.JSONField(_("unmatched"), default=list)  # [{"participant": id, "role": ..., "reason": ...}]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("run by")
    )
    created_at = models.DateTimeField(_("run at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort"], condition=Q(published_at__isnull=False), name="one_published_run_per_cohort"
            )
        ]

    def __str__(self) -> str:
        return str(_("%(mode)s run of %(when)s") % {"mode": self.get_mode_display(), "when": self.created_at.date()})


class MatchQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Match.Status.ACTIVE, run__published_at__isnull=False)

    def for_user(self, user):
        return self.filter(Q(mentee__user=user) | Q(mentor__user=user))


class Match(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="matches", verbose_name=_("run"))
    mentee = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="mentee_matches", verbose_name=_("mentee")
    )
    mentor = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="mentor_matches", verbose_name=_("mentor")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PROPOSED)
    score = models.FloatField(_("score"), default=0)
    parts = models.JSONField(_("score parts"), default=list)  # [[name, value], ...]
    mentee_rank = models.PositiveSmallIntegerField(_("mentee's rank of the mentor"), null=True, blank=True)
    mentor_rank = models.PositiveSmallIntegerField(_("mentor's rank of the mentee"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    from_completion = models.BooleanField(_("placed by the completion pass"), default=False)
    added_by_staff = models.BooleanField(_("added by staff after publishing"), default=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    extra_weeks = models.PositiveSmallIntegerField(
        _("extra weeks of mentorship"), default=0, help_text=_("Weeks added to this pair's period by staff.")
    )

    objects = MatchQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["run", "mentor", "mentee"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "mentee"], condition=~Q(status="ended"), name="one_current_mentor_per_run"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentee.user} — {self.mentor.user}"
