"""The mentorship period of each pair: meeting logs, pauses, and the ledger of reminders and alerts.

A pair is a published ``matching.Match``; its period is ``meetings.selectors.period_of(match)``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models import BilingualName
from matching.models import Match

MAX_DURATION_MINUTES = 600
EDIT_DAYS = 14


class Topic(BilingualName):
    """What a meeting was about: interview practice, CV, networking... (staff keep the list)."""

    class Meta(BilingualName.Meta):
        verbose_name = _("meeting topic")
        verbose_name_plural = _("meeting topics")


class Format(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    CHAT = "chat", _("Chat")


class MenteeResponse(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by the mentee")
    DISPUTED = "disputed", _("The mentee says it did not happen")


class MeetingLog(models.Model):
    """One week of a pair: the meeting the mentor logged, or that they did not meet and why."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="logs", verbose_name=_("pair"))
    week = models.DateField(_("week of"), help_text=_("The Monday of the week."))
    met = models.BooleanField(_("met"), default=True)
    met_on = models.DateField(_("date"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), null=True, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("topics"))
    shared_notes = models.TextField(_("notes shared with your mentee"), max_length=4000, blank=True)
    private_note = models.TextField(_("private note for staff"), max_length=4000, blank=True)
    not_met_reason = models.TextField(_("why you did not meet"), max_length=1000, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("logged by")
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    mentee_response = models.CharField(_("mentee's answer"), max_length=10, choices=MenteeResponse.choices, blank=True)
    mentee_comment = models.CharField(_("mentee's comment"), max_length=500, blank=True)
    mentee_responded_at = models.DateTimeField(_("mentee answered at"), null=True, blank=True)

    # The private note stays out of the history: only staff with its permission may read it.
    history = HistoricalRecords(excluded_fields=["private_note"])

    class Meta:
        verbose_name = _("meeting log")
        verbose_name_plural = _("meeting logs")
        ordering = ["match", "week"]
        permissions = [
            ("view_private_note", _("Can see mentors' private notes to staff")),
            ("receive_pair_alerts", _("Receives the daily digest of pairs at risk")),
        ]
        constraints = [
            # One log per pair and week: a double-clicked submit cannot make two.
            models.UniqueConstraint(fields=["match", "week"], name="one_log_per_pair_and_week"),
            models.CheckConstraint(
                condition=Q(met=False)
                # A NULL duration would make the comparisons unknown, which a CHECK lets through: say it.
                | (
                    Q(met_on__isnull=False)
                    & Q(duration_minutes__isnull=False)
                    & Q(duration_minutes__gt=0)
                    & Q(duration_minutes__lte=MAX_DURATION_MINUTES)
                ),
                name="a_meeting_has_a_date_and_a_sane_duration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match} — {self.week}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:pair", args=[self.match_id]) + f"#log-{self.pk}"

    def editable(self, now=None) -> bool:
        return (now or timezone.now()) < self.created_at + timezone.timedelta(days=EDIT_DAYS)


class PairPause(models.Model):
    """A time when staff paused a pair: no reminders, and its weeks count as paused, not missing."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("pair"))
    started_at = models.DateTimeField(_("paused at"), default=timezone.now)
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["match", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["match"], condition=Q(ended_at__isnull=True), name="one_open_pause_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.match}: {self.started_at:%Y-%m-%d}"


class ReminderPause(models.Model):
    """A mentor asked for no check-in reminder in one week (a holiday); that week counts as paused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_pauses")
    week = models.DateField(_("week of"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder pause")
        verbose_name_plural = _("reminder pauses")
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="one_reminder_pause_per_week")]

    def __str__(self) -> str:
        return f"{self.user}: {self.week}"


class Reminder(models.Model):
    """The ledger: one row per (person, kind, week or day) decides whether a reminder is still owed.

    The row is created before sending and marked sent in the same transaction as the send (see
    ``meetings.reminders``), so a second task, tick or worker finds it and sends nothing.
    """

    class Kind(models.TextChoices):
        CHECKIN = "checkin", _("Weekly check-in reminder")
        STAFF_DIGEST = "digest", _("Daily digest of pairs at risk")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    on = models.DateField(_("week or day"))
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    matches = models.JSONField(_("pairs it listed"), default=list, blank=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "on"], name="one_reminder_per_person_kind_week")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} {self.on}"


class StaffDigest(models.Model):
    """The day's digest of pairs that became at risk: decided once a day, then mailed to each recipient."""

    on = models.DateField(_("day"), unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("digest of pairs at risk")
        verbose_name_plural = _("digests of pairs at risk")
        ordering = ["-on"]

    def __str__(self) -> str:
        return str(self.on)


class AtRiskAlert(models.Model):
    """A pair that missed two weeks in a row, reported to staff once per run of missed weeks."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="at_risk_alerts", verbose_name=_("pair"))
    missing_since = models.DateField(_("no log since the week of"))
    created_at = models.DateTimeField(default=timezone.now)
    digest = models.ForeignKey(StaffDigest, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")

    class Meta:
        verbose_name = _("pair at risk")
        verbose_name_plural = _("pairs at risk")
        constraints = [models.UniqueConstraint(fields=["match", "missing_since"], name="one_alert_per_missed_run")]

    def __str__(self) -> str:
        return f"{self.match}: {self.missing_since}"


class Pair(Match):
    """A published match seen from the mentorship period: the staff's pair-health board."""

    class Meta:
        proxy = True
        verbose_name = _("pair")
        verbose_name_plural = _("pair health")
