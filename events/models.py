import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Participant


class Event(models.Model):
    """A speed-networking event of a cohort: mentees meet candidate mentors, round after round."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="events", verbose_name=_("cohort"))
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    rounds = models.PositiveSmallIntegerField(_("rounds"), default=8)
    round_minutes = models.PositiveSmallIntegerField(_("minutes per round"), default=7)
    break_minutes = models.PositiveSmallIntegerField(_("minutes between rounds"), default=2)
    tables = models.PositiveSmallIntegerField(_("tables"), default=10)
    seats_per_table = models.PositiveSmallIntegerField(
        _("mentees per table"), default=1, help_text=_("How many mentees one table seats at once.")
    )
    ratings_close_at = models.DateTimeField(
        _("ratings close at"), help_text=_("After this, participants can no longer rate the people they met.")
    )
    started_at = models.DateTimeField(
        _("actually started at"), null=True, blank=True, help_text=_("Set by “Start the rounds now” on the day.")
    )
    schedule_from_round = models.PositiveSmallIntegerField(_("schedule last written from round"), null=True, blank=True)
    rating_reminder_sent_at = models.DateTimeField(_("rating reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("speed-networking event")
        verbose_name_plural = _("speed-networking events")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rounds__gte=1, rounds__lte=40), name="event_sane_rounds"),
            models.CheckConstraint(condition=Q(round_minutes__gte=1, round_minutes__lte=60), name="event_sane_round"),
            models.CheckConstraint(condition=Q(break_minutes__lte=30), name="event_sane_break"),
            models.CheckConstraint(
                condition=Q(seats_per_table__gte=1, seats_per_table__lte=8), name="event_sane_seats"
            ),
            models.CheckConstraint(condition=Q(ratings_close_at__gt=F("starts_at")), name="event_ratings_close_after"),
        ]

    def __str__(self) -> str:
        return str(_("Speed networking, %(cohort)s") % {"cohort": self.cohort})

    def get_absolute_url(self) -> str:
        return reverse("events:mine", args=[self.pk])

    @property
    def begins_at(self) -> dt.datetime:
        """When round 1 begins: the actual start on the day, else the planned one."""
        return self.started_at or self.starts_at

    def round_starts_at(self, number: int) -> dt.datetime:
        return self.begins_at + dt.timedelta(minutes=(number - 1) * (self.round_minutes + self.break_minutes))

    def round_ends_at(self, number: int) -> dt.datetime:
        return self.round_starts_at(number) + dt.timedelta(minutes=self.round_minutes)

    @property
    def ends_at(self) -> dt.datetime:
        return self.round_ends_at(self.rounds)

    def current_round(self, now: dt.datetime | None = None) -> int | None:
        """The round under way or about to start (during a break, the next one); None before and after."""
        now = now or timezone.now()
        if now < self.begins_at - dt.timedelta(minutes=self.break_minutes) or now >= self.ends_at:
            return None
        for number in range(1, self.rounds + 1):
            if now < self.round_ends_at(number):
                return number
        return None

    def first_round_not_started(self, now: dt.datetime | None = None) -> int:
        """Where a regenerated schedule starts: rounds already begun are kept as they were."""
        now = now or timezone.now()
        for number in range(1, self.rounds + 1):
            if now < self.round_starts_at(number):
                return number
        return self.rounds + 1

    def ratings_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.begins_at <= now < self.ratings_close_at


class Attendance(models.Model):
    """A participant invited to the event: their answer, and whether they came."""

    class Rsvp(models.TextChoices):
        NO_ANSWER = "", _("No answer yet")
        YES = "yes", _("I will come")
        NO = "no", _("I cannot come")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendances")
    rsvp = models.CharField(_("answer"), max_length=3, choices=Rsvp.choices, blank=True, default="")
    invited_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    intro = models.CharField(
        _("one-line intro"), max_length=140, blank=True, help_text=_("What the people you meet see under your name.")
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["event", "participant"], name="one_attendance_per_event")]

    def __str__(self) -> str:
        return str(self.participant.user)


class Seat(models.Model):
    """Where one person sits in one round: the schedule, one row per person and round."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="seats")
    round = models.PositiveSmallIntegerField(_("round"))
    table = models.PositiveSmallIntegerField(_("table"))
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["event", "round", "table"]
        constraints = [models.UniqueConstraint(fields=["event", "round", "participant"], name="one_seat_per_round")]
        indexes = [models.Index(fields=["event", "round", "table"])]

    def __str__(self) -> str:
        return f"{self.round}/{self.table}: {self.participant_id}"


class Rating(models.Model):
    """After the event: would the rater like to be matched with this person (1-5)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ratings_given")
    rated = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ratings_received")
    score = models.PositiveSmallIntegerField(_("I would like to be matched with this person"))
    note = models.TextField(_("note for the staff"), blank=True, max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["event", "rater", "rated"], name="one_rating_per_pair"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.rater_id} → {self.rated_id}: {self.score}"


class PitchFeedback(models.Model):
    """A mentor's feedback on a mentee's networking pitch, which the mentee reads."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="pitch_feedback")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="pitch_feedback_given")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="pitch_feedback_received")
    text = models.TextField(_("pitch feedback"), max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pitch feedback")
        verbose_name_plural = _("pitch feedback")
        constraints = [models.UniqueConstraint(fields=["event", "mentor", "mentee"], name="one_feedback_per_pair")]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.mentee_id}"
