import csv
import datetime as dt
import io

import factory
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import StaffFactory, UserFactory
from cohorts.models import Participant
from matching.models import Match
from meetings.admin import meeting_logs_csv
from meetings.models import Format, MeetingLog, MenteeResponse, Pair, PairPause, ReminderPause, Topic
from meetings.periods import WeekState
from meetings.reminders import checkin_reminders_owed, pairs_at_risk
from meetings.selectors import MAX_EXTRA_WEEKS
from meetings.services import pair_pause

from .factories import PERIOD_START, MeetingLogFactory, mentorship_cohort, pair

pytestmark = pytest.mark.django_db

BOARD = reverse("admin:meetings_pair_changelist")
LOGS = reverse("admin:meetings_meetinglog_changelist")
# Wednesday of week 4 of a period starting on PERIOD_START (noon in Toronto): weeks 1 to 3 are over.
NOW = dt.datetime(2027, 3, 24, 16, tzinfo=dt.UTC)
# Thursday of week 4, 11:00 in Toronto: the week's check-in reminders are due.
REMINDER_TIME = dt.datetime(2027, 3, 25, 15, tzinfo=dt.UTC)
NO_PASSWORD = factory.Transformer.Force("!")
NOTE = "Private: the mentee is going through a hard time."


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def staff(client, now):
    user = StaffFactory()
    client.force_login(user)
    return user


def staff_with(client, *codenames: str):
    """Staff (not superuser) holding only the given permissions of the meetings app, logged in."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="meetings", codename__in=codenames))
    client.force_login(user)
    return user


def week(number: int, starts_on: dt.date = PERIOD_START) -> dt.date:
    return starts_on + dt.timedelta(weeks=number - 1)


def logged(match: Match, *numbers: int, met: bool = True, starts_on: dt.date = PERIOD_START) -> Match:
    for number in numbers:
        MeetingLogFactory(match=match, week=week(number, starts_on), met=met)
    return match


def listed(response) -> list[Pair]:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def board(client, **query) -> list[Pair]:
    return listed(client.get(BOARD, query))


def run_action(client, action: str, pairs, **extra):
    data = {"action": action, "_selected_action": [match.pk for match in pairs], **extra}
    return client.post(BOARD, data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def pairs(now):
    """Pairs of one cohort in week 4 of its period, and of cohorts further on or just begun."""
    cohort = mentorship_cohort()
    ended_cohort = mentorship_cohort(starts_on=dt.date(2026, 11, 30))  # 13 weeks: over on 28 February
    young_cohort = mentorship_cohort(starts_on=dt.date(2027, 3, 15))  # one week over
    on_holiday, holiday_over = pair(cohort), pair(cohort)
    ReminderPause.objects.create(user=on_holiday.mentor.user, week=week(3))
    ReminderPause.objects.create(user=holiday_over.mentor.user, week=week(2))
    paused = logged(pair(cohort), 1)
    pair_pause(match=paused, by=StaffFactory())
    return {
        "healthy": logged(pair(cohort), 1, 2, 3),
        "at_risk": logged(pair(cohort), 1),
        "one_missed": logged(pair(cohort), 1, 2),
        "not_met": logged(logged(pair(cohort), 1), 2, met=False),  # week 2: did not meet; week 3: no log
        "silent": pair(cohort),
        # Weeks 1 and 2 without a log, then the mentor's holiday: the run of missed weeks goes on.
        "on_holiday": on_holiday,
        # Week 2 a holiday between a meeting and a missed week: one missed week only.
        "holiday_over": logged(holiday_over, 1),
        "paused": paused,
        "ended": pair(cohort, status=Match.Status.ENDED, ended_at=NOW - dt.timedelta(weeks=2)),
        "young": pair(young_cohort),
        # The period is over: its last weeks 10 to 13 have no log.
        "past_period": logged(pair(ended_cohort), *range(1, 10), starts_on=ended_cohort.mentorship_starts_on),
        # Extended by 8 weeks (to week 21): week 17 now, 15 and 16 missed.
        "extended_missed": logged(
            pair(ended_cohort, extra_weeks=8), *range(1, 15), starts_on=ended_cohort.mentorship_starts_on
        ),
        "extended_ok": logged(
            pair(ended_cohort, extra_weeks=8), *range(1, 17), starts_on=ended_cohort.mentorship_starts_on
        ),
    }


def names(pairs: dict, matches) -> set[str]:
    keys = {match.pk: key for key, match in pairs.items()}
    return {keys[match.pk] for match in matches}


# --- The board -----------------------------------------------------------------------------------


def test_the_board_shows_each_pair_with_its_weeks_status_and_risk(client, staff, pairs):
    proposed = pair(pairs["healthy"].run.cohort, status=Match.Status.PROPOSED)

    response = client.get(BOARD)
    page = response.content.decode()
    rows = {match.pk: match for match in listed(response)}

    assert proposed.pk not in rows
    assert set(rows) == {match.pk for match in pairs.values()}
    states = {key: [week.state for week in rows[match.pk].board.weeks][:5] for key, match in pairs.items()}
    L, N, M, C, U, P = (WeekState.LOGGED, WeekState.NOT_MET, WeekState.MISSING, WeekState.CURRENT,
                        WeekState.UPCOMING, WeekState.PAUSED)  # fmt: skip
    assert states["healthy"] == [L, L, L, C, U]
    assert states["at_risk"] == [L, M, M, C, U]
    assert states["not_met"] == [L, N, M, C, U]
    assert states["on_holiday"] == [M, M, P, C, U]
    assert states["paused"] == [L, M, M, P, U]  # paused this week by staff
    assert {key for key, match in pairs.items() if rows[match.pk].board.at_risk} == {
        "at_risk", "silent", "on_holiday", "past_period", "extended_missed"}  # fmt: skip
    healthy = rows[pairs["healthy"].pk]
    assert healthy.board.last_contact == week(3) + dt.timedelta(days=1)
    assert healthy.board.missing_weeks == 0
    assert rows[pairs["silent"].pk].board.missing_weeks == 3
    # Colour is never the only cue: each week has its number, a mark and its state in words.
    assert 'class="pair-week pair-week-missing" title="Week 2, 03/08/2027: No log"' in page
    assert '<span class="pair-week-words">Week 4, 03/22/2027: This week</span>' in page
    assert '<span class="pair-status pair-status-paused">Paused</span>' in page
    assert '<span class="pair-status pair-status-ended">Ended</span>' in page
    assert "meetings/admin.css" in page
    assert "March 16, 2027" in page  # the healthy pair's last contact
    # The weeks after a pair ended show as such, not as weeks without a log.
    assert 'class="pair-week pair-week-ended" title="Week 3, 03/15/2027: After the pair ended"' in page


def test_the_at_risk_filter_lists_the_pairs_the_staff_digest_names(client, staff, pairs, now):
    at_risk = board(client, at_risk="yes")
    not_at_risk = board(client, at_risk="no")

    expected = {"at_risk", "silent", "on_holiday", "past_period", "extended_missed"}
    assert names(pairs, at_risk) == expected
    assert names(pairs, not_at_risk) == set(pairs) - expected
    assert names(pairs, [view.match for view in pairs_at_risk(now)]) == expected
    assert all(match.board.at_risk for match in at_risk)


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        (1, {"at_risk", "one_missed", "not_met", "silent", "on_holiday", "holiday_over", "young", "past_period",
             "extended_missed"}),
        (2, {"at_risk", "silent", "on_holiday", "past_period", "extended_missed"}),
        (3, {"silent", "past_period"}),
        (4, {"past_period"}),
    ],
)  # fmt: skip
def test_the_no_log_filter_lists_active_pairs_whose_last_weeks_have_no_log(client, staff, pairs, weeks, expected):
    rows = board(client, no_log=weeks)

    assert names(pairs, rows) == expected
    assert all(match.board.missing_weeks >= weeks for match in rows)


def test_the_paused_and_status_filters(client, staff, pairs):
    assert names(pairs, board(client, paused="yes")) == {"paused"}
    assert "paused" not in names(pairs, board(client, paused="no"))
    assert names(pairs, board(client, status="ended")) == {"ended"}
    assert len(board(client, status="active")) == len(pairs) - 1


def test_filters_combine_with_the_cohort_and_the_counts(client, staff, pairs):
    cohort = pairs["at_risk"].run.cohort

    rows = board(client, at_risk="yes", run__cohort__id__exact=cohort.pk)
    counted = client.get(BOARD, {"at_risk": "yes", "_facets": "True"})

    assert names(pairs, rows) == {"at_risk", "silent", "on_holiday"}
    assert counted.status_code == 200


def test_today_on_the_board_is_the_date_of_the_cohort():
    """Sunday 23:00 in Toronto is Monday 04:00 in Paris: week 3 is over in Paris only."""
    toronto, paris = mentorship_cohort(), mentorship_cohort(time_zone="Europe/Paris")
    in_toronto, in_paris = logged(pair(toronto), 1, 2), logged(pair(paris), 1, 2)

    with time_machine.travel(dt.datetime(2027, 3, 22, 3, tzinfo=dt.UTC), tick=False):
        client = Client()
        client.force_login(StaffFactory())
        rows = {match.pk: match for match in board(client)}
        missed_one = board(client, no_log=1)

    assert rows[in_toronto.pk].board.weeks[2].state == WeekState.CURRENT
    assert rows[in_paris.pk].board.weeks[2].state == WeekState.MISSING
    assert [match.pk for match in missed_one] == [in_paris.pk]


def board_pairs(count: int) -> None:
    cohort = mentorship_cohort()
    for number in range(count):
        mentor = Participant.objects.create(
            cohort=cohort, user=UserFactory(password=NO_PASSWORD), role="mentor", mentee_capacity=2
        )
        match = pair(cohort, mentor=mentor, mentee=None)
        logged(match, 1)
        if number % 3 == 0:
            ReminderPause.objects.create(user=match.mentor.user, week=week(2))
        if number % 3 == 1:
            PairPause.objects.create(match=match)


@pytest.mark.parametrize("count", [3, 30])
def test_the_board_costs_the_same_queries_at_3_and_30_pairs(client, staff, django_assert_num_queries, count):
    board_pairs(count)

    # session, staff user, their second factor, the cohorts of the filter, two counts, the page, its logs, the
    # pauses of the pairs that have any, the reminder pauses of the mentors who made any
    with django_assert_num_queries(10):
        assert len(board(client)) == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_at_risk_filter_costs_the_same_queries_at_3_and_30_pairs(client, staff, django_assert_num_queries, count):
    board_pairs(count)

    # the board's 10 less the pauses of the pairs shown (none is paused), and for the filter: the cohorts, the pairs
    # without a log, their logs, the reminder pauses of the mentors who made any (their own pauses: none)
    with django_assert_num_queries(12):
        rows = board(client, at_risk="yes")

    # Paused pairs (1 in 3) are not at risk, nor those whose mentor paused week 2 (1 in 3): one week missed.
    assert len(rows) == len([number for number in range(count) if number % 3 == 2])


# --- Pausing, resuming, ending and extending pairs in bulk ---------------------------------------


def test_staff_pause_pairs_in_bulk_and_paused_pairs_get_no_reminder(client, staff, pairs):
    first, second, ended = pairs["healthy"], pairs["at_risk"], pairs["ended"]

    response = run_action(client, "pause", [first, second, ended])

    assert messages_of(response) == [
        "2 pairs paused: no check-in reminder until they are resumed.",
        "1 pair left as it was (already paused or ended).",
    ]
    assert PairPause.objects.filter(match__in=[first, second], ended_at__isnull=True).count() == 2
    assert not PairPause.objects.filter(match=ended).exists()
    owed = {user_id for user_id, _week in checkin_reminders_owed(REMINDER_TIME)}
    assert first.mentor.user_id not in owed
    assert second.mentor.user_id not in owed
    assert pairs["one_missed"].mentor.user_id in owed  # the others still get theirs


def test_staff_resume_paused_pairs_and_their_reminders_come_back(client, staff, pairs):
    paused = pairs["paused"]
    assert paused.mentor.user_id not in {user_id for user_id, _week in checkin_reminders_owed(REMINDER_TIME)}

    response = run_action(client, "resume", [paused, pairs["healthy"]])

    assert messages_of(response) == ["1 pair resumed.", "1 pair left as it was (not paused)."]
    assert not PairPause.objects.filter(match=paused, ended_at__isnull=True).exists()
    assert paused.mentor.user_id in {user_id for user_id, _week in checkin_reminders_owed(REMINDER_TIME)}


def test_staff_confirm_before_ending_pairs(client, staff, pairs):
    chosen = [pairs["at_risk"], pairs["paused"], pairs["ended"]]

    confirm = client.post(BOARD, {"action": "end", "_selected_action": [match.pk for match in chosen]})

    assert confirm.status_code == 200
    assert "admin/meetings/pair/end_confirmation.html" in [template.name for template in confirm.templates]
    assert Match.objects.get(pk=pairs["at_risk"].pk).status == Match.Status.ACTIVE

    response = run_action(client, "end", chosen, post="yes")

    assert messages_of(response) == ["2 pairs ended: their reminders stop.", "1 pair was ended already."]
    assert set(Match.objects.filter(pk__in=[match.pk for match in chosen]).values_list("status", flat=True)) == {
        Match.Status.ENDED
    }
    assert not PairPause.objects.filter(match=pairs["paused"], ended_at__isnull=True).exists()
    owed = {user_id for user_id, _week in checkin_reminders_owed(REMINDER_TIME)}
    assert pairs["at_risk"].mentor.user_id not in owed


def test_staff_extend_pairs_by_four_weeks_up_to_the_limit(client, staff, pairs):
    full = pair(pairs["healthy"].run.cohort, extra_weeks=MAX_EXTRA_WEEKS - 2)

    response = run_action(client, "extend", [pairs["healthy"], pairs["at_risk"], full])

    assert messages_of(response) == [
        "2 pairs extended by 4 weeks.",
        "1 pair was not extended: A pair's period can be extended by 26 weeks at most.",
    ]
    assert Match.objects.get(pk=pairs["healthy"].pk).extra_weeks == 4
    assert Match.objects.get(pk=full.pk).extra_weeks == MAX_EXTRA_WEEKS - 2
    extended = {match.pk: match for match in board(client)}
    assert len(extended[pairs["healthy"].pk].board.weeks) == 13 + 4


def test_staff_without_the_change_permission_see_the_board_but_cannot_run_actions(client, now, pairs):
    staff_with(client, "view_pair")
    healthy = pairs["healthy"]

    response = client.get(BOARD)
    run_action(client, "pause", [healthy])
    run_action(client, "end", [healthy], post="yes")

    assert response.status_code == 200
    assert response.context["action_form"] is None or "pause" not in dict(
        response.context["action_form"].fields["action"].choices
    )
    assert not PairPause.objects.filter(match=healthy).exists()
    assert Match.objects.get(pk=healthy.pk).status == Match.Status.ACTIVE


def test_the_pair_page_is_read_only_but_for_the_extra_weeks(client, staff, pairs):
    match = pairs["at_risk"]
    url = reverse("admin:meetings_pair_change", args=[match.pk])

    page = client.get(url)
    refused = client.post(url, {"extra_weeks": MAX_EXTRA_WEEKS + 1, **inline_management()})
    saved = client.post(url, {"extra_weeks": 6, **inline_management()})

    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields) == ["extra_weeks"]
    assert "pair-week-missing" in page.content.decode()
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    assert saved.status_code == 302
    assert Match.objects.get(pk=match.pk).extra_weeks == 6
    assert client.get(reverse("admin:meetings_pair_add")).status_code == 403
    assert client.get(reverse("admin:meetings_pair_delete", args=[match.pk])).status_code == 403


def inline_management() -> dict:
    return {f"pauses-{name}": value for name, value in
            {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}.items()}  # fmt: skip


def test_the_cohort_page_links_to_its_pair_health(client, staff, pairs):
    cohort = pairs["healthy"].run.cohort
    unmatched = mentorship_cohort()

    page = client.get(reverse("admin:cohorts_cohort_change", args=[cohort.pk])).content.decode()
    other = client.get(reverse("admin:cohorts_cohort_change", args=[unmatched.pk])).content.decode()

    link = f"{BOARD}?run__cohort__id__exact={cohort.pk}"
    assert f'href="{link}">Pair health</a>' in page
    assert f"{BOARD}?run__cohort__id__exact={unmatched.pk}" not in other
    assert {match.run.cohort_id for match in listed(client.get(link))} == {cohort.pk}


# --- Meeting logs --------------------------------------------------------------------------------


@pytest.fixture
def note_log(now):
    log = MeetingLogFactory(private_note=NOTE, shared_notes='=HYPERLINK("http://evil")')
    log.topics.set(Topic.objects.filter(active=True)[:2])
    return log


def export(client, logs) -> list[dict]:
    response = client.post(LOGS, {"action": "export_csv", "_selected_action": [log.pk for log in logs]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_staff_without_the_permission_never_see_private_notes(client, now, note_log):
    staff_with(client, "view_meetinglog", "change_meetinglog")
    change = reverse("admin:meetings_meetinglog_change", args=[note_log.pk])

    listing = client.get(LOGS)
    page = client.get(change)
    [row] = export(client, [note_log])

    assert listing.status_code == page.status_code == 200
    assert NOTE not in listing.content.decode()
    assert NOTE not in page.content.decode()
    assert "private_note" not in page.context["adminform"].form.fields
    assert "private note for staff" not in row
    assert NOTE not in ",".join(row.values())
    assert row["shared notes"] == '\'=HYPERLINK("http://evil")'  # never run as a formula

    # Saving the page keeps the note it did not show.
    data = {
        "match": note_log.match_id, "week": note_log.week, "met": "on", "met_on": note_log.met_on,
        "duration_minutes": 30, "format": note_log.format, "topics": [], "shared_notes": "", "not_met_reason": "",
    }  # fmt: skip
    assert client.post(change, data).status_code == 302
    note_log.refresh_from_db()
    assert (note_log.duration_minutes, note_log.private_note) == (30, NOTE)


def test_staff_with_the_permission_see_private_notes_in_the_list_page_and_csv(client, now, note_log):
    staff_with(client, "view_meetinglog", "view_private_note")

    listing = client.get(LOGS).content.decode()
    page = client.get(reverse("admin:meetings_meetinglog_change", args=[note_log.pk])).content.decode()
    [row] = export(client, [note_log])

    assert NOTE in listing
    assert NOTE in page
    assert row["private note for staff"] == NOTE


def test_the_csv_has_every_column_of_a_log(client, staff):
    match = pair()
    log = MeetingLogFactory(match=match, week=week(2), duration_minutes=50, mentee_response=MenteeResponse.DISPUTED,
                            mentee_comment="We did not meet.")  # fmt: skip
    log.topics.set([Topic.objects.create(name_en="CV review", name_fr="Revue du CV")])
    missed = MeetingLogFactory(match=match, week=week(3), met=False, not_met_reason="Sick.")

    with translation.override("fr"):
        text = meeting_logs_csv(MeetingLog.objects.filter(pk__in=[log.pk, missed.pk]), include_private_note=False)
        video, disputed = str(Format.VIDEO.label), str(MenteeResponse.DISPUTED.label)
        cohort = str(match.run.cohort)
    [header, first, second] = list(csv.reader(io.StringIO(text)))

    assert len(header) == 14
    assert first[:10] == [cohort, match.mentor.user.display_name, match.mentee.user.display_name,
                          "2027-03-08", "2", "oui", "2027-03-09", "50", video, "Revue du CV"]  # fmt: skip
    assert first[12:] == [disputed, "We did not meet."]
    assert second[3:10] == ["2027-03-15", "3", "non", "", "", "", ""]
    assert second[11] == "Sick."


def test_the_log_list_filters_and_searches(client, staff):
    first, second = pair(), pair()
    MeetingLogFactory(match=first)
    MeetingLogFactory(match=second, met=False)

    by_cohort = listed(client.get(LOGS, {"match__run__cohort__id__exact": first.run.cohort_id}))
    not_met = listed(client.get(LOGS, {"met__exact": "0"}))
    by_name = listed(client.get(LOGS, {"q": second.mentee.user.email}))

    assert [log.match_id for log in by_cohort] == [first.pk]
    assert [log.match_id for log in not_met] == [second.pk]
    assert [log.match_id for log in by_name] == [second.pk]


def many_logs(count: int) -> None:
    cohort = mentorship_cohort()
    topics = list(Topic.objects.all()[:2])
    for _number in range(count):
        mentor = Participant.objects.create(
            cohort=cohort, user=UserFactory(password=NO_PASSWORD), role="mentor", mentee_capacity=2
        )
        log = MeetingLogFactory(match=pair(cohort, mentor=mentor), private_note=NOTE)
        log.topics.set(topics)


@pytest.mark.parametrize("count", [3, 30])
def test_the_log_list_costs_the_same_queries_at_any_size(client, staff, django_assert_num_queries, count):
    many_logs(count)

    # session, staff user, their second factor, the cohorts of the filter, two counts, the page, two for the
    # date hierarchy
    with django_assert_num_queries(9):
        assert len(listed(client.get(LOGS))) == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_csv_costs_the_same_queries_at_any_size(staff, django_assert_num_queries, count):
    many_logs(count)

    with django_assert_num_queries(2):  # the logs with their pairs and people, their topics
        text = meeting_logs_csv(MeetingLog.objects.all(), include_private_note=True)

    assert len(list(csv.reader(io.StringIO(text)))) == count + 1


# --- Topics and the ledger -----------------------------------------------------------------------


@pytest.mark.parametrize("model", ["topic", "reminder", "reminderpause", "atriskalert", "staffdigest"])
def test_staff_open_the_lists_of_topics_and_of_the_ledger(client, staff, model):
    assert client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", ["reminder", "reminderpause", "atriskalert", "staffdigest"])
def test_the_ledger_is_read_only(client, staff, model):
    assert client.get(reverse(f"admin:meetings_{model}_add")).status_code == 403


def test_staff_reorder_and_retire_topics_from_the_list(client, staff):
    topic = Topic.objects.create(name_en="Salary talks", name_fr="Négocier son salaire", position=50)

    response = client.get(reverse("admin:meetings_topic_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].list_editable == ["position", "active"]
    assert topic in response.context["cl"].result_list
