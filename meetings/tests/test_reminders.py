"""The weekly check-in reminders and the staff digest, run in-process (eager tasks; locmem or a local
SMTP sink). The run with real Celery workers, and a worker killed mid-batch, is tested separately."""

import datetime as dt
import threading
import time
import zoneinfo
from smtplib import SMTPDataError

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection, connections

from accounts.models import User
from accounts.tests.factories import StaffFactory, UserFactory
from cohorts.models import Role
from cohorts.tests.factories import ParticipantFactory
from meetings import reminders, services
from meetings.models import AtRiskAlert, Reminder, StaffDigest
from meetings.reminders import checkin_reminders_deliver, checkin_reminders_owed, staff_digest_send
from meetings.tasks import queue_checkin_reminders, send_checkin_reminders
from mentorship.smtp_sink import SmtpSink

from .factories import PERIOD_START, MeetingLogFactory, mentorship_cohort, pair

pytestmark = pytest.mark.django_db

TORONTO, PARIS, TOKYO = "America/Toronto", "Europe/Paris", "Asia/Tokyo"
WEEK_2 = PERIOD_START + dt.timedelta(weeks=1)  # Monday 8 March 2027; clocks move in Toronto on Sunday 14 March


def local(zone: str, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


def thursday_ten(week: dt.date, zone: str = TORONTO) -> dt.datetime:
    return local(zone, *(week + dt.timedelta(days=3)).timetuple()[:3], 10, 0)


def mentor_in(cohort, *, zone: str = TORONTO, language: str = "en", name: str = "Morgan Mentor"):
    user = UserFactory(time_zone=zone, language=language, preferred_name=name, pronouns="")
    return ParticipantFactory(cohort=cohort, role=Role.MENTOR, user=user, mentee_capacity=3)


def mentee_in(cohort, name: str):
    return ParticipantFactory(cohort=cohort, role=Role.MENTEE, user=UserFactory(preferred_name=name, pronouns=""))


def beat(now: dt.datetime) -> None:
    """One tick of the beat schedule at ``now``: the queueing task, which hands batches to the sending task."""
    with time_machine.travel(now, tick=False):
        queue_checkin_reminders.delay()


def recipients() -> list[str]:
    return [message.to[0] for message in mail.outbox]


# --- When a reminder is owed -----------------------------------------------------------------------


def test_each_mentor_is_owed_a_reminder_from_thursday_ten_in_their_own_time_zone():
    cohort = mentorship_cohort()
    mentors = {zone: pair(cohort, mentor=mentor_in(cohort, zone=zone)).mentor.user for zone in (TORONTO, PARIS, TOKYO)}

    for zone in (TOKYO, PARIS, TORONTO):  # the order in which Thursday 10:00 comes round the world
        ten = thursday_ten(PERIOD_START, zone)
        assert checkin_reminders_owed(ten - dt.timedelta(minutes=1)) == []
        owed = checkin_reminders_owed(ten)
        assert owed == [(mentors[zone].pk, PERIOD_START)]
        with time_machine.travel(ten, tick=False):
            assert checkin_reminders_deliver(owed) == 1
            assert checkin_reminders_deliver(owed) == 0
        assert checkin_reminders_owed(ten) == []

    assert recipients() == [mentors[TOKYO].email, mentors[PARIS].email, mentors[TORONTO].email]


@pytest.mark.parametrize(
    ("zone", "week", "moment"),
    [
        # The week that holds the clock change (Sunday 14 March in Toronto, 28 March in Paris), then the next.
        (TORONTO, dt.date(2027, 3, 8), dt.datetime(2027, 3, 11, 15, 0, tzinfo=dt.UTC)),  # 10:00 EST
        (TORONTO, dt.date(2027, 3, 15), dt.datetime(2027, 3, 18, 14, 0, tzinfo=dt.UTC)),  # 10:00 EDT
        (PARIS, dt.date(2027, 3, 22), dt.datetime(2027, 3, 25, 9, 0, tzinfo=dt.UTC)),  # 10:00 CET
        (PARIS, dt.date(2027, 3, 29), dt.datetime(2027, 4, 1, 8, 0, tzinfo=dt.UTC)),  # 10:00 CEST
    ],
)
def test_across_a_clock_change_the_reminder_stays_at_ten_local_time(zone, week, moment):
    cohort = mentorship_cohort()
    mentor = pair(cohort, mentor=mentor_in(cohort, zone=zone)).mentor.user

    assert checkin_reminders_owed(moment - dt.timedelta(minutes=1)) == []
    assert checkin_reminders_owed(moment) == [(mentor.pk, week)]
    assert moment.astimezone(zoneinfo.ZoneInfo(zone)).time() == dt.time(10, 0)


@pytest.mark.parametrize(("zone", "week"), [(TORONTO, dt.date(2027, 3, 8)), (PARIS, dt.date(2027, 3, 22))])
def test_a_beat_every_fifteen_minutes_through_a_clock_change_week_sends_one_reminder(zone, week):
    cohort = mentorship_cohort()
    mentor = pair(cohort, mentor=mentor_in(cohort, zone=zone)).mentor.user
    start = local(zone, week.year, week.month, week.day).astimezone(dt.UTC)
    end = local(zone, *(week + dt.timedelta(weeks=1)).timetuple()[:3]).astimezone(dt.UTC)
    arrivals = []

    now = start
    while now < end:
        before = len(mail.outbox)
        beat(now)
        arrivals += [now] * (len(mail.outbox) - before)
        now += dt.timedelta(minutes=15)

    assert end - start == dt.timedelta(days=7, hours=-1)  # the week is an hour short: clocks sprang forward
    assert recipients() == [mentor.email]
    assert arrivals == [thursday_ten(week, zone)]
    assert list(Reminder.objects.values_list("user", "on")) == [(mentor.pk, week)]


# --- When nothing is sent ---------------------------------------------------------------------------


def pause_the_pair(match):
    services.pair_pause(match=match, by=StaffFactory())


def end_the_pair(match):
    services.pair_end(match=match, by=StaffFactory())


def log_a_meeting(match):
    MeetingLogFactory(match=match, week=WEEK_2, met_on=WEEK_2)


def log_no_meeting(match):
    MeetingLogFactory(match=match, week=WEEK_2, met=False, not_met_reason="A holiday.")


def mentor_pauses_the_week(match):
    services.reminders_pause(user=match.mentor.user, week=WEEK_2)


@pytest.mark.parametrize("quiet", [pause_the_pair, end_the_pair, log_a_meeting, log_no_meeting, mentor_pauses_the_week])
def test_no_reminder_for_a_pair_that_needs_none(quiet):
    cohort = mentorship_cohort()
    quiet_pair, reminded = pair(cohort), pair(cohort)
    quiet(quiet_pair)

    beat(thursday_ten(WEEK_2))
    beat(thursday_ten(WEEK_2) + dt.timedelta(days=3))  # Sunday: still nothing for it

    assert recipients() == [reminded.mentor.user.email]


@pytest.mark.parametrize(
    ("now", "week"),
    [
        (thursday_ten(PERIOD_START - dt.timedelta(weeks=1)), None),  # the week before the period
        (local(TORONTO, 2027, 2, 28, 23, 59), None),  # the Sunday before it starts
        (thursday_ten(PERIOD_START), PERIOD_START),  # week 1
        (thursday_ten(dt.date(2027, 5, 24)), dt.date(2027, 5, 24)),  # week 13, the last
        (local(TORONTO, 2027, 5, 30, 23, 59), dt.date(2027, 5, 24)),  # its Sunday, the last day
        (local(TORONTO, 2027, 5, 31, 0, 0), None),  # the Monday after the period
        (thursday_ten(dt.date(2027, 5, 31)), None),
    ],
)
def test_reminders_come_only_inside_the_period(now, week):
    match = pair()

    beat(now)

    assert recipients() == ([match.mentor.user.email] if week else [])
    assert checkin_reminders_owed(now) == []


def test_a_mentor_is_reminded_only_of_the_mentees_whose_week_has_no_log():
    cohort = mentorship_cohort()
    mentor = mentor_in(cohort)
    waiting = pair(cohort, mentor=mentor, mentee=mentee_in(cohort, "Amara Diallo"))
    logged = pair(cohort, mentor=mentor, mentee=mentee_in(cohort, "Bao Nguyen"))
    log_a_meeting(logged)

    beat(thursday_ten(WEEK_2))

    (message,) = mail.outbox
    assert message.to == [mentor.user.email]
    assert "Amara Diallo" in message.body and "Bao Nguyen" not in message.body
    assert message.body.count("/mentoring/go/") == 1
    assert Reminder.objects.get().matches == [waiting.pk]


def test_a_mentor_with_two_mentees_to_log_gets_one_email_listing_both():
    cohort = mentorship_cohort()
    mentor = mentor_in(cohort)
    first = pair(cohort, mentor=mentor, mentee=mentee_in(cohort, "Amara Diallo"))
    second = pair(cohort, mentor=mentor, mentee=mentee_in(cohort, "Bao Nguyen"))

    beat(thursday_ten(WEEK_2))

    (message,) = mail.outbox
    assert message.subject == "How did week 2 of your mentoring go?"
    assert "Amara Diallo" in message.body and "Bao Nguyen" in message.body
    assert message.body.count("/mentoring/go/") == 2
    assert message.body.count("/mentoring/pause/") == 1
    assert Reminder.objects.get().matches == [first.pk, second.pk]


def test_the_reminder_is_written_in_the_mentors_language():
    cohort = mentorship_cohort()
    english = pair(cohort, mentor=mentor_in(cohort, language="en")).mentor.user
    french = pair(cohort, mentor=mentor_in(cohort, language="fr")).mentor.user

    beat(thursday_ten(WEEK_2))

    bodies = {message.to[0]: message.body for message in mail.outbox}
    # Dates are in the language's own format (Django's French catalogue), whatever the site's is.
    assert "March 8, 2027" in bodies[english.email]
    assert "8 mars 2027" in bodies[french.email] and "March 8, 2027" not in bodies[french.email]


# --- The ledger -------------------------------------------------------------------------------------


def test_delivering_the_same_reminders_twice_sends_them_once():
    match = pair()
    items = checkin_reminders_owed(thursday_ten(WEEK_2))

    assert checkin_reminders_deliver(items) == 1
    assert checkin_reminders_deliver(items) == 0

    assert recipients() == [match.mentor.user.email]
    entry = Reminder.objects.get()
    assert (entry.user, entry.kind, entry.on, entry.matches) == (match.mentor.user, "checkin", WEEK_2, [match.pk])
    assert entry.sent_at is not None


def test_two_beat_ticks_for_the_same_moment_send_once():
    match = pair()
    moment = thursday_ten(WEEK_2).isoformat()

    first = queue_checkin_reminders.delay(now=moment).get()
    second = queue_checkin_reminders.delay(now=moment).get()

    assert (first, second) == (1, 0)
    assert recipients() == [match.mentor.user.email]


def _waiting_for_a_lock() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # two threads, two connections: real commits
def test_two_workers_delivering_the_same_reminder_at_once_send_it_once(postgres, monkeypatch):
    match = pair()
    items = [(match.mentor.user_id, WEEK_2)]
    sending, let_go = threading.Event(), threading.Event()
    send = reminders.send_templated_email

    def slow_send(**kwargs):
        sending.set()
        let_go.wait(timeout=10)
        send(**kwargs)

    monkeypatch.setattr(reminders, "send_templated_email", slow_send)
    sent = []

    def worker():
        try:
            sent.append(checkin_reminders_deliver(items))
        finally:
            connection.close()

    first, second = threading.Thread(target=worker), threading.Thread(target=worker)
    first.start()
    assert sending.wait(timeout=10), "the first worker never reached the mail server"
    second.start()
    deadline = time.monotonic() + 10
    while _waiting_for_a_lock() == 0:  # the second worker queues behind the first one's ledger row
        assert time.monotonic() < deadline, "the second worker did not wait for the ledger row"
        time.sleep(0.01)  # waiting for another thread, not for time to pass
    let_go.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert sorted(sent) == [0, 1]
    assert recipients() == [match.mentor.user.email]


# --- Failures of the mail server or the process ------------------------------------------------------


@pytest.fixture
def smtp_sink(settings):
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield sink


def two_mentors_owed_a_reminder() -> list[tuple[int, dt.date]]:
    cohort = mentorship_cohort()
    pair(cohort), pair(cohort)
    items = checkin_reminders_owed(thursday_ten(WEEK_2))
    assert len(items) == 2
    return items


def test_a_refused_message_is_not_marked_sent_and_the_next_run_delivers_everything_once(smtp_sink):
    items = two_mentors_owed_a_reminder()
    smtp_sink.refuse_next(1)

    with pytest.raises(SMTPDataError):
        checkin_reminders_deliver(items)

    assert smtp_sink.messages == []
    assert not Reminder.objects.filter(sent_at__isnull=False).exists()
    assert checkin_reminders_owed(thursday_ten(WEEK_2)) == items  # nothing lost

    assert checkin_reminders_deliver(items) == 2
    assert checkin_reminders_deliver(items) == 0

    emails = User.objects.filter(pk__in=[user_id for user_id, _week in items]).values_list("email", flat=True)
    assert sorted(smtp_sink.recipients()) == sorted(emails)
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2


def test_the_sending_task_retries_a_refused_message_until_every_reminder_is_delivered_once(smtp_sink):
    items = two_mentors_owed_a_reminder()
    smtp_sink.refuse_next(1)

    # Run in-process as a worker runs it: the error is not propagated to the caller (tests' eager default)
    # but handled by the task's autoretry, whose retry Celery then runs at once, inline, without the backoff.
    kwargs = {"items": [[user_id, week.isoformat()] for user_id, week in items]}
    result = send_checkin_reminders.apply(kwargs=kwargs, throw=False)

    assert result.get() == 2
    assert smtp_sink.refused == 1
    assert len(smtp_sink.messages) == 2 and len(set(smtp_sink.recipients())) == 2
    assert issubclass(SMTPDataError, send_checkin_reminders.autoretry_for)
    assert send_checkin_reminders.retry_backoff and send_checkin_reminders.acks_late


class ProcessDied(Exception):
    """Stands for a worker killed (or cut from the database) at the worst moment."""


def test_the_one_duplicate_window_a_crash_after_the_mail_server_accepted(monkeypatch):
    """Documented in ``meetings.reminders``: sending before recording can cost a second email, never
    a missing one."""
    match = pair()
    items = checkin_reminders_owed(thursday_ten(WEEK_2))
    save = Reminder.save
    crashes = []

    def crash_once(entry, *args, **kwargs):
        if not crashes:
            crashes.append(entry.pk)
            raise ProcessDied
        return save(entry, *args, **kwargs)

    monkeypatch.setattr(Reminder, "save", crash_once)

    with pytest.raises(ProcessDied):
        checkin_reminders_deliver(items)
    assert recipients() == [match.mentor.user.email]  # the message went out
    assert Reminder.objects.get().sent_at is None  # but the ledger does not know

    assert checkin_reminders_deliver(items) == 1
    assert checkin_reminders_deliver(items) == 0
    assert recipients() == [match.mentor.user.email] * 2  # exactly one duplicate
    assert Reminder.objects.get().sent_at is not None


# --- The staff digest of pairs at risk --------------------------------------------------------------

MONDAY_OF_WEEK_3 = local(TORONTO, 2027, 3, 15, 8, 0)  # weeks 1 and 2 are over


@pytest.fixture
def watchers():
    """Who gets the digest: a superuser, staff given the permission directly or through a group."""
    permission = Permission.objects.get(codename="receive_pair_alerts", content_type__app_label="meetings")
    directly = UserFactory(is_staff=True)
    directly.user_permissions.add(permission)
    through_group = UserFactory(is_staff=True)
    group = Group.objects.create(name="Pair health")
    group.permissions.add(permission)
    through_group.groups.add(group)
    UserFactory(is_staff=True)  # staff without the permission
    return sorted([StaffFactory().email, directly.email, through_group.email])


def digest(now: dt.datetime) -> int:
    with time_machine.travel(now, tick=False):
        return staff_digest_send(now)


def named_pair(cohort, mentor: str, mentee: str):
    return pair(cohort, mentor=mentor_in(cohort, name=mentor), mentee=mentee_in(cohort, mentee))


def test_staff_who_watch_pair_health_get_one_digest_listing_the_pairs_with_two_missing_weeks(watchers):
    cohort = mentorship_cohort()
    named_pair(cohort, "Morgan Mentor", "Amara Diallo")
    log_a_meeting(named_pair(cohort, "Riley Mentor", "Bao Nguyen"))

    assert digest(MONDAY_OF_WEEK_3 - dt.timedelta(minutes=1)) == 0  # before 08:00
    assert not StaffDigest.objects.exists()
    assert digest(MONDAY_OF_WEEK_3) == 3
    assert digest(MONDAY_OF_WEEK_3 + dt.timedelta(hours=1)) == 0  # the hourly task again, the same day

    assert sorted(recipients()) == watchers
    for message in mail.outbox:
        assert message.subject == "1 pair without a log for two weeks"
        assert "Morgan Mentor — Amara Diallo (no log since the week of March 1, 2027)" in message.body
        assert "Bao Nguyen" not in message.body


def test_the_digest_is_sent_from_eight_in_the_sites_time_zone(watchers, settings):
    named_pair(mentorship_cohort(), "Morgan Mentor", "Amara Diallo")
    settings.TIME_ZONE = PARIS  # 08:00 in Paris is 03:00 in Toronto, where the cohort and its mentors are

    assert digest(local(PARIS, 2027, 3, 15, 7, 59)) == 0
    assert digest(local(PARIS, 2027, 3, 15, 8, 0)) == 3


def test_a_run_of_missed_weeks_is_reported_once_and_a_new_run_again(watchers):
    cohort = mentorship_cohort()
    match = named_pair(cohort, "Morgan Mentor", "Amara Diallo")
    assert digest(MONDAY_OF_WEEK_3) == 3

    assert digest(MONDAY_OF_WEEK_3 + dt.timedelta(days=1)) == 0  # still at risk on Tuesday: not again
    assert digest(MONDAY_OF_WEEK_3 + dt.timedelta(days=7)) == 0  # three weeks now, the same run
    MeetingLogFactory(match=match, week=dt.date(2027, 3, 15), met=False, not_met_reason="Exams.")
    assert digest(local(TORONTO, 2027, 4, 5, 9, 0)) == 3  # weeks 4 and 5 missed: a new run

    assert len(mail.outbox) == 6
    assert "no log since the week of March 22, 2027" in mail.outbox[-1].body
    assert list(AtRiskAlert.objects.order_by("missing_since").values_list("missing_since", flat=True)) == [
        PERIOD_START,
        dt.date(2027, 3, 22),
    ]


def test_a_pair_at_risk_after_the_days_digest_is_in_the_next_days(watchers):
    cohort = mentorship_cohort()
    named_pair(cohort, "Morgan Mentor", "Amara Diallo")
    late = named_pair(cohort, "Riley Mentor", "Bao Nguyen")
    staff = StaffFactory(is_superuser=False)  # not a watcher: only the one who pauses and resumes
    with time_machine.travel(MONDAY_OF_WEEK_3 - dt.timedelta(hours=1), tick=False):
        services.pair_pause(match=late, by=staff)

    assert digest(MONDAY_OF_WEEK_3) == 3  # lists Morgan's pair; Riley's is paused
    with time_machine.travel(MONDAY_OF_WEEK_3 + dt.timedelta(hours=1), tick=False):
        services.pair_resume(match=late, by=staff)  # weeks 1 and 2 had no log: at risk from now
    assert digest(MONDAY_OF_WEEK_3 + dt.timedelta(hours=2)) == 0  # today's digest has gone
    assert digest(MONDAY_OF_WEEK_3 + dt.timedelta(days=1)) == 3

    today, next_day = mail.outbox[:3], mail.outbox[3:]
    assert all("Amara Diallo" in message.body and "Bao Nguyen" not in message.body for message in today)
    assert all("Bao Nguyen" in message.body and "Amara Diallo" not in message.body for message in next_day)


def test_paused_weeks_do_not_count_as_missing(watchers):
    cohort = mentorship_cohort()
    named_pair(cohort, "Morgan Mentor", "Amara Diallo")
    paused = named_pair(cohort, "Riley Mentor", "Bao Nguyen")
    was_paused = named_pair(cohort, "Sam Mentor", "Chloé Roy")
    holiday = named_pair(cohort, "Taylor Mentor", "Dev Patel")
    staff = StaffFactory(is_superuser=False)
    with time_machine.travel(local(TORONTO, 2027, 3, 1, 9, 0), tick=False):
        services.pair_pause(match=paused, by=staff)  # and still paused
    with time_machine.travel(local(TORONTO, 2027, 3, 9, 9, 0), tick=False):
        services.pair_pause(match=was_paused, by=staff)  # for week 2 only
    with time_machine.travel(local(TORONTO, 2027, 3, 10, 9, 0), tick=False):
        services.pair_resume(match=was_paused, by=staff)
    services.reminders_pause(user=holiday.mentor.user, week=WEEK_2)  # the mentor's holiday

    assert digest(MONDAY_OF_WEEK_3) == 3

    for message in mail.outbox:
        assert "Amara Diallo" in message.body
        assert not [name for name in ("Bao Nguyen", "Chloé Roy", "Dev Patel") if name in message.body]
    assert list(AtRiskAlert.objects.values_list("match__mentee__user__preferred_name", flat=True)) == ["Amara Diallo"]
