import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import DEFAULT_TIME_ZONE
from accounts.validators import time_zone_names, validate_time_zone
from mentorship.i18n import Localized


class Track(models.TextChoices):
    EARLY_CAREER = "early_career", _("Early career")
    LEADERSHIP = "leadership", _("Leadership")


class Role(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class Stage(models.TextChoices):
    """Where a cohort stands, derived from its dates."""

    UPCOMING = "upcoming", _("Applications not open yet")
    APPLICATIONS_OPEN = "applications_open", _("Applications open")
    REVIEW = "review", _("Applications closed, under review")
    PROGRAM = "program", _("Weekly sessions under way")
    MENTORSHIP = "mentorship", _("Mentorship period")
    ENDED = "ended", _("Ended")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Program(models.Model):
    slug = models.SlugField(_("address name"), unique=True, help_text=_("Used in the page address."))
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)

    name = Localized("name")
    description = Localized("description")

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["track", "name_en"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cohorts:program", args=[self.slug])


class CohortQuerySet(models.QuerySet):
    def accepting_applications(self, now: dt.datetime | None = None):
        now = now or timezone.now()
        return self.filter(applications_open_at__lte=now, applications_close_at__gt=now)


class Cohort(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("program"))
    slug = models.SlugField(_("address name"), unique=True, help_text=_("Used in the page address."))
    name_en = models.CharField(_("name (English)"), max_length=120, help_text=_("For example: Fall 2026."))
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    start_date = models.DateField(_("start date"), help_text=_("The day of the first weekly session."))
    weeks = models.PositiveSmallIntegerField(_("weeks of sessions"), default=10)
    mentorship_weeks = models.PositiveSmallIntegerField(
        _("weeks of mentorship"),
        default=13,
        validators=[MinValueValidator(13)],
        help_text=_("At least 13 weeks (three months) after the sessions end."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("The deadline and the session times are in this time zone."),
    )
    reminder_weekday = models.PositiveSmallIntegerField(
        _("check-in reminder day"),
        choices=Weekday.choices,
        default=Weekday.THURSDAY,
        help_text=_("Mentors without a log for the week get one reminder on this day, in their own time zone."),
    )
    reminder_time = models.TimeField(_("check-in reminder time"), default=dt.time(10, 0))
    identity_retention_months = models.PositiveSmallIntegerField(
        _("keep self-identification answers for (months)"),
        default=24,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "Self-identification answers are deleted this many months after the cohort ends; "
            "the reports keep anonymous counts."
        ),
    )
    applications_open_at = models.DateTimeField(_("applications open at"))
    applications_close_at = models.DateTimeField(_("applications close at"))
    mentee_capacity = models.PositiveSmallIntegerField(_("places for mentees"), default=25)
    mentor_capacity = models.PositiveSmallIntegerField(_("places for mentors"), default=25)
    created_at = models.DateTimeField(auto_now_add=True)

    name = Localized("name")
    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applications_close_at__gt=models.F("applications_open_at")),
                name="cohort_window_closes_after_it_opens",
            ),
            models.CheckConstraint(condition=Q(weeks__gte=1) & Q(weeks__lte=52), name="cohort_sane_weeks"),
            models.CheckConstraint(
                condition=Q(mentorship_weeks__gte=1) & Q(mentorship_weeks__lte=104), name="cohort_sane_mentorship_weeks"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.name} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("cohorts:cohort", args=[self.slug])

    def clean(self):
        super().clean()
        if self.applications_close_at and self.start_date and self.time_zone in time_zone_names():
            first_session = dt.datetime.combine(self.start_date, dt.time.min, tzinfo=zoneinfo.ZoneInfo(self.time_zone))
            if self.applications_close_at > first_session:
                raise ValidationError({"applications_close_at": _("Applications must close before the start date.")})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def sessions_end_on(self) -> dt.date:
        return self.start_date + dt.timedelta(weeks=self.weeks, days=-1)

    @property
    def mentorship_starts_on(self) -> dt.date:
        return self.start_date + dt.timedelta(weeks=self.weeks)

    @property
    def ends_on(self) -> dt.date:
        return self.mentorship_starts_on + dt.timedelta(weeks=self.mentorship_weeks, days=-1)

    def is_accepting_applications(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.applications_open_at <= now < self.applications_close_at

    def stage(self, now: dt.datetime | None = None) -> Stage:
        now = now or timezone.now()
        today = now.astimezone(self.zone).date()
        if now < self.applications_open_at:
            return Stage.UPCOMING
        if now < self.applications_close_at:
            return Stage.APPLICATIONS_OPEN
        if today < self.start_date:
            return Stage.REVIEW
        if today < self.mentorship_starts_on:
            return Stage.PROGRAM
        if today <= self.ends_on:
            return Stage.MENTORSHIP
        return Stage.ENDED

    def capacity(self, role: str) -> int:
        return self.mentor_capacity if role == Role.MENTOR else self.mentee_capacity


class Session(models.Model):
    """One of the cohort's weekly sessions."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort"))
    number = models.PositiveSmallIntegerField(_("week"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=120)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)

    title = Localized("title")

    class Meta:
        verbose_name = _("weekly session")
        verbose_name_plural = _("weekly sessions")
        ordering = ["cohort", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="one_session_per_week"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=600), name="session_sane_duration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Participant.Status.ACTIVE)


class Participant(models.Model):
    """A person's accepted role in one cohort: a mentee of 2026 can mentor in 2028."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Taking part")
        WITHDRAWN = "withdrawn", pgettext_lazy("a person", "Withdrawn")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="participants", verbose_name=_("cohort"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    mentee_capacity = models.PositiveSmallIntegerField(
        _("mentees they can take"), null=True, blank=True, help_text=_("Mentors only: 1 to 3.")
    )
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
        verbose_name=_("application"),
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    stipend_granted = models.BooleanField(
        _("stipend granted"), default=False, help_text=_("Mentors only: the program pays this mentor its stipend.")
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["cohort", "role", "user__preferred_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user", "role"], name="one_participation_per_role"),
            models.CheckConstraint(
                condition=Q(role="mentee", mentee_capacity__isnull=True)
                | Q(role="mentor", mentee_capacity__gte=1, mentee_capacity__lte=3),
                name="participant_mentor_capacity_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.cohort})"
