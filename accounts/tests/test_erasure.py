"""Retention and erasure: identity answers expire into anonymous counts; a person (themselves, staff, or an
operator's command) can be erased so that nothing readable of them remains, while every count the cohort
reports read stays the same; a person can download their own data and nobody else's."""

import datetime as dt
import json
from collections import Counter
from types import SimpleNamespace

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.erasure import (
    add_months,
    identity_answers_expire,
    identity_answers_kept_until,
    person_erase,
)
from accounts.models import User
from applications.identity import PREFER_NOT_TO_SAY
from applications.models import Answer, Application, ConfidenceRating, IdentityTally, SelfIdentification
from applications.services import alumni_to_invite
from applications.tasks import expire_identity_answers
from applications.tests.factories import (
    AnswerFactory,
    ApplicationFactory,
    ConfidenceRatingFactory,
    MentorApplicationFactory,
    ReviewFactory,
    SelfIdentificationFactory,
)
from cohorts.models import Participant, Role
from cohorts.tests.factories import CohortFactory, ParticipantFactory
from events.models import Attendance, PitchFeedback, Rating
from events.tests.factories import AttendanceFactory, EventFactory
from matching.models import Match, PairRule
from meetings.models import MeetingLog
from meetings.tests.factories import MeetingLogFactory, mentorship_cohort, pair

from .factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

# Written into every text by or about the person: after erasure it must be found nowhere.
NAME = "Zephyrine"
EMAIL = "zephyrine@example.org"
CHANGELIST = reverse("admin:accounts_user_changelist")


def ended_cohort(starts_on: dt.date = dt.date(2024, 3, 4), **fields):
    """A cohort whose mentorship period (13 weeks from ``starts_on``) is long over."""
    return mentorship_cohort(starts_on=starts_on, **fields)


def person_with_a_past():
    """Zephyrine, a mentee of one ended cohort and a mentor of a later one, with something of every kind
    written by them or about them, several versions in the change history, and a staff log entry."""
    person = UserFactory(email=EMAIL, preferred_name=f"{NAME} Okafor", pronouns="xe/xem", mfa=True)
    staff = StaffFactory()

    # Cohort A: a mentee.
    cohort_a = ended_cohort()
    application_a = ApplicationFactory(cohort=cohort_a, user=person, status=Application.Status.ACCEPTED)
    answer = AnswerFactory(application=application_a, value=f"{NAME} wants to lead a team one day.")
    SelfIdentificationFactory(
        application=application_a,
        answers={"gender": ["non_binary", "two_spirit"], "trans": "yes", "racialized": [PREFER_NOT_TO_SAY]},
    )
    ConfidenceRatingFactory(application=application_a, rating=2)
    review = ReviewFactory(application=application_a, reviewer=staff, notes=f"{NAME} told us about coming out.")
    review.notes += " Strong candidate."
    review.save()  # a second version in the change history
    mentee_a = ParticipantFactory(cohort=cohort_a, user=person, role=Role.MENTEE, application=application_a)
    mentor_a = ParticipantFactory(cohort=cohort_a, role=Role.MENTOR, mentee_capacity=2)
    SelfIdentificationFactory(
        application=MentorApplicationFactory(cohort=cohort_a, user=mentor_a.user, status=Application.Status.ACCEPTED),
        answers={"lgbtq": "yes", "racialized": ["indigenous"]},
    )
    match_a = pair(cohort_a, mentor=mentor_a, mentee=mentee_a, parts=[["affinity", 2.0], ["goals", 1.0]])
    log_a = MeetingLogFactory(
        match=match_a, shared_notes=f"We practised how {NAME} talks about a career gap.", private_note="Doing well."
    )
    log_a.mentee_comment = f"Thanks! — {NAME}"
    log_a.save()
    event_a = EventFactory(
        cohort=cohort_a, starts_at=dt.datetime.combine(cohort_a.start_date, dt.time(18), tzinfo=cohort_a.zone)
    )
    AttendanceFactory(event=event_a, participant=mentee_a, intro=f"{NAME}, queer frontend developer")
    AttendanceFactory(event=event_a, participant=mentor_a)
    Rating.objects.create(event=event_a, rater=mentee_a, rated=mentor_a, score=5, note=f"{NAME} would love this.")
    Rating.objects.create(event=event_a, rater=mentor_a, rated=mentee_a, score=4, note=f"{NAME} seemed shy.")
    PitchFeedback.objects.create(event=event_a, mentor=mentor_a, mentee=mentee_a, text=f"{NAME}, slow down.")

    # Cohort B: a mentor two years later.
    cohort_b = ended_cohort(dt.date(2025, 3, 3), program=cohort_a.program)
    application_b = MentorApplicationFactory(cohort=cohort_b, user=person, status=Application.Status.ACCEPTED)
    mentor_b = ParticipantFactory(
        cohort=cohort_b, user=person, role=Role.MENTOR, mentee_capacity=2, application=application_b
    )
    mentee_b = ParticipantFactory(cohort=cohort_b, role=Role.MENTEE)
    match_b = pair(cohort_b, mentor=mentor_b, mentee=mentee_b)
    MeetingLogFactory(match=match_b, shared_notes=f"{NAME} shared CV tips.", private_note=f"{NAME}'s own note.")
    MeetingLogFactory(
        match=match_b,
        week=cohort_b.mentorship_starts_on + dt.timedelta(weeks=1),
        met=False,
        not_met_reason=f"{NAME} was ill.",
    )
    event_b = EventFactory(
        cohort=cohort_b, starts_at=dt.datetime.combine(cohort_b.start_date, dt.time(18), tzinfo=cohort_b.zone)
    )
    PitchFeedback.objects.create(event=event_b, mentor=mentor_b, mentee=mentee_b, text=f"Great story. — {NAME}")
    PairRule.objects.create(
        cohort=cohort_b, mentee=mentee_b, mentor=mentor_b, kind=PairRule.Kind.PIN, reason=f"{NAME} asked for them."
    )

    # The admin's log keeps an object's name as it was, and the names of inline objects it added.
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message=json.dumps([{"added": {"name": "answer", "object": answer.value}}]),
    )
    return SimpleNamespace(
        person=person, staff=staff, cohort_a=cohort_a, cohort_b=cohort_b, mentor_a=mentor_a, match_a=match_a
    )


def identity_counts() -> Counter:
    """What a cohort report counts: the answers still held plus the anonymous counts of deleted ones."""
    counts = Counter()
    for identity in SelfIdentification.objects.select_related("application"):
        for question, value in identity.answers.items():
            for answer in value if isinstance(value, list) else [value]:
                counts[(identity.application.cohort_id, identity.application.role, question, answer)] += 1
    for tally in IdentityTally.objects.all():
        counts[(tally.cohort_id, tally.role, tally.question, tally.answer)] += tally.count
    return +counts


def report_counts() -> dict:
    """Every number the cohort reports read: funnels, participation, matches, meetings, ratings, confidence."""
    return {
        "applications": Counter(Application.objects.values_list("cohort_id", "role", "status")),
        "participants": Counter(Participant.objects.values_list("cohort_id", "role", "status")),
        "matches": Counter(Match.objects.values_list("run_id", "status")),
        "logs": sorted(MeetingLog.objects.values_list("match_id", "week", "met", "met_on", "duration_minutes")),
        "attendances": sorted(Attendance.objects.values_list("event_id", "participant_id", "rsvp", "checked_in_at")),
        "ratings": sorted(Rating.objects.values_list("rater_id", "rated_id", "score")),
        "confidence": sorted(ConfidenceRating.objects.values_list("application_id", "rating")),
        "identity": identity_counts(),
    }


def readable_traces(text: str) -> list[str]:
    """Every row of every table (change history and the admin's log included) with ``text`` in a text column."""
    found = []
    for model in apps.get_models():
        if model is Session:
            continue  # signed and encoded; the person's sessions are checked to be gone instead
        texts = models.CharField | models.TextField | models.JSONField
        fields = [field.attname for field in model._meta.concrete_fields if isinstance(field, texts)]
        if not fields:
            continue
        for row in model._default_manager.values_list("pk", *fields):
            if any(text.lower() in str(value).lower() for value in row[1:]):
                found.append(f"{model._meta.label} #{row[0]}")
    return found


# --- Retention -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2027, 12, 15), 1, dt.date(2028, 1, 15)),
        (dt.date(2026, 6, 30), 24, dt.date(2028, 6, 30)),
        (dt.date(2026, 6, 30), 0, dt.date(2026, 6, 30)),
        (dt.date(2027, 2, 28), 12, dt.date(2028, 2, 28)),
    ],
)
def test_months_are_added_as_on_a_calendar(day, months, expected):
    assert add_months(day, months) == expected


def answers_for(cohort):
    """Three applicants' answers, with a list answer and "prefer not to say"."""
    SelfIdentificationFactory(
        application=ApplicationFactory(cohort=cohort),
        answers={"gender": ["woman", "non_binary"], "trans": PREFER_NOT_TO_SAY},
    )
    SelfIdentificationFactory(
        application=ApplicationFactory(cohort=cohort), answers={"gender": ["woman"], "lgbtq": "yes"}
    )
    SelfIdentificationFactory(
        application=MentorApplicationFactory(cohort=cohort), answers={"gender": ["man"], "trans": "no"}
    )


def test_identity_answers_are_kept_until_the_retention_period_has_passed_then_become_counts():
    cohort = ended_cohort(identity_retention_months=24)
    answers_for(cohort)
    recent = ended_cohort(dt.date(2026, 3, 2))
    answers_for(recent)
    before = identity_counts()
    last_day = identity_answers_kept_until(cohort)
    assert last_day == add_months(cohort.ends_on, 24)

    on_the_last_day = dt.datetime.combine(last_day, dt.time(23, 59), tzinfo=cohort.zone)
    assert identity_answers_expire(now=on_the_last_day) == 0
    assert SelfIdentification.objects.filter(application__cohort=cohort).count() == 3

    the_day_after = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 1), tzinfo=cohort.zone)
    assert identity_answers_expire(now=the_day_after) == 3

    assert not SelfIdentification.objects.filter(application__cohort=cohort).exists()
    assert SelfIdentification.objects.filter(application__cohort=recent).count() == 3  # not due yet
    assert identity_counts() == before
    tallies = {(t.role, t.question, t.answer): t.count for t in IdentityTally.objects.filter(cohort=cohort)}
    assert tallies == {
        (Role.MENTEE, "gender", "woman"): 2,
        (Role.MENTEE, "gender", "non_binary"): 1,
        (Role.MENTEE, "trans", PREFER_NOT_TO_SAY): 1,
        (Role.MENTEE, "lgbtq", "yes"): 1,
        (Role.MENTOR, "gender", "man"): 1,
        (Role.MENTOR, "trans", "no"): 1,
    }

    assert identity_answers_expire(now=the_day_after) == 0  # a second run changes nothing
    assert identity_counts() == before


def test_the_retention_period_ends_in_the_cohorts_time_zone():
    cohort = ended_cohort(identity_retention_months=6, time_zone="America/Vancouver")
    answers_for(cohort)
    last_day = identity_answers_kept_until(cohort)

    # Already the next day in UTC, still the last day in Vancouver.
    late_evening = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(5), tzinfo=dt.UTC)
    assert identity_answers_expire(now=late_evening) == 0

    assert identity_answers_expire(now=late_evening + dt.timedelta(hours=4)) == 3


def test_a_staff_set_retention_of_zero_months_deletes_the_day_after_the_cohort_ends():
    cohort = ended_cohort(identity_retention_months=0)
    answers_for(cohort)

    assert identity_answers_expire(now=dt.datetime.combine(cohort.ends_on, dt.time(12), tzinfo=cohort.zone)) == 0
    day_after = dt.datetime.combine(cohort.ends_on + dt.timedelta(days=1), dt.time(12), tzinfo=cohort.zone)
    assert identity_answers_expire(now=day_after) == 3


def test_the_daily_task_is_scheduled_and_runs_twice_without_harm():
    assert (
        settings.CELERY_BEAT_SCHEDULE["expire-identity-answers"]["task"] == "applications.tasks.expire_identity_answers"
    )
    cohort = ended_cohort(identity_retention_months=1)
    answers_for(cohort)
    before = identity_counts()

    with time_machine.travel(dt.datetime.combine(add_months(cohort.ends_on, 2), dt.time(3), tzinfo=dt.UTC)):
        first, second = expire_identity_answers.apply(), expire_identity_answers.apply()

    assert (first.result, second.result) == (3, 0)
    assert not SelfIdentification.objects.exists()
    assert identity_counts() == before


# --- Erasure -------------------------------------------------------------------------------


def test_erasure_removes_everything_readable_of_the_person_and_keeps_every_count():
    world = person_with_a_past()
    person = world.person
    assert len(readable_traces(NAME)) > 15  # the scenario really wrote it everywhere
    history_versions = MeetingLog.history.model.objects.count()
    before = report_counts()

    counts = person_erase(user=person, by=world.staff)

    assert readable_traces(NAME) == []
    assert report_counts() == before
    assert MeetingLog.history.model.objects.count() == history_versions  # blanked, not deleted, nor added to
    person.refresh_from_db()
    assert (person.email, person.preferred_name, person.pronouns) == (f"erased-{person.pk}@erased.invalid", "", "")
    assert not person.has_usable_password() and not person.is_active and person.erased_at is not None
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Authenticator.objects.filter(user=person).exists()
    assert not SelfIdentification.objects.filter(application__user=person).exists()
    assert not Answer.objects.filter(application__user=person).exists()
    assert not PitchFeedback.objects.filter(mentor__user=person).exists()
    assert not PitchFeedback.objects.filter(mentee__user=person).exists()
    # The affinity part of a match's explanation comes from identity answers: gone, also from the history.
    assert Match.objects.get(pk=world.match_a.pk).parts == [["goals", 1.0]]
    assert all(["affinity", 2.0] not in version.parts for version in world.match_a.history.all())
    # Other people's own data stays: the mentor's identity answers, their meeting logs' dates.
    assert SelfIdentification.objects.filter(application__user=world.mentor_a.user).exists()
    assert counts["identity"] == 1 and counts["answers"] == 1 and counts["pitch_feedback"] == 2


def test_erasing_twice_changes_nothing_more():
    world = person_with_a_past()
    person_erase(user=world.person, by=world.staff)
    erased_at = User.objects.get(pk=world.person.pk).erased_at
    after_first = report_counts()

    counts = person_erase(user=world.person, by=world.staff)

    assert set(counts.values()) == {0}
    assert report_counts() == after_first
    assert User.objects.get(pk=world.person.pk).erased_at == erased_at


def test_the_erased_person_can_no_longer_sign_in_and_their_sessions_end(client):
    person = UserFactory(email=EMAIL)
    client.force_login(person)
    assert client.get(reverse("accounts:profile")).status_code == 200

    person_erase(user=person, by=None)

    assert client.get(reverse("accounts:profile")).status_code == 302  # the open session is gone
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(person.pk)]
    for login in (EMAIL, f"erased-{person.pk}@erased.invalid"):
        client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert "_auth_user_id" not in client.session


def test_what_is_under_way_stops_so_nobody_is_reminded_or_emailed_about_them():
    person = UserFactory()
    open_cohort = CohortFactory()
    application = ApplicationFactory(cohort=open_cohort, user=person)
    cohort = mentorship_cohort(starts_on=timezone.localdate() - dt.timedelta(weeks=2))
    mentee = ParticipantFactory(cohort=cohort, user=person, role=Role.MENTEE)
    match = pair(cohort, mentee=mentee)
    past = ended_cohort()
    alumni = ParticipantFactory(cohort=past, user=person, role=Role.MENTEE)

    person_erase(user=person, by=person)

    assert Application.objects.get(pk=application.pk).status == Application.Status.WITHDRAWN
    assert Participant.objects.get(pk=mentee.pk).status == Participant.Status.WITHDRAWN
    assert Match.objects.get(pk=match.pk).status == Match.Status.ENDED
    assert Participant.objects.get(pk=alumni.pk).status == Participant.Status.ACTIVE  # an ended cohort stays as it was
    assert alumni_to_invite(now=timezone.now(), next_cohort=lambda cohort: open_cohort) == []


# --- My data -------------------------------------------------------------------------------


def test_my_data_holds_the_persons_own_data_and_nobody_elses_identity_or_private_notes(client):
    world = person_with_a_past()
    other_mentor_note = MeetingLog.objects.get(match=world.match_a).private_note
    client.force_login(world.person)

    response = client.get(reverse("accounts:download_my_data"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    text = response.content.decode()
    assert data["account"]["email"] == EMAIL
    mentee_application = next(a for a in data["applications"] if a["role"] == Role.MENTEE)
    assert mentee_application["answers"][0]["answer"] == f"{NAME} wants to lead a team one day."
    assert {"question": "How do you describe your gender?", "answer": "Non-binary, Two-Spirit"} in (
        mentee_application["self_identification"]["answers"]
    )
    assert "Indigenous" not in text  # the mentor's identity answer
    assert other_mentor_note not in text  # the mentor's private note about this mentee
    assert f"{NAME}'s own note." in text  # a private note they wrote as a mentor
    as_mentee = next(m for m in data["matches"] if m["my_role"] == "mentee")
    assert as_mentee["matched_with"] == world.mentor_a.user.display_name
    assert world.mentor_a.user.email not in text
    assert [item["feedback"] for item in data["pitch_feedback_received"]] == [f"{NAME}, slow down."]
    assert [rating["note"] for rating in data["ratings_given"]] == [f"{NAME} would love this."]
    assert f"{NAME} seemed shy." not in text  # what others said of them to staff is not theirs to read


def test_my_data_needs_a_login(client):
    response = client.get(reverse("accounts:download_my_data"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


# --- Delete my account ---------------------------------------------------------------------


def test_a_wrong_password_deletes_nothing(client):
    world = person_with_a_past()
    client.force_login(world.person)
    before = readable_traces(NAME)

    response = client.post(reverse("accounts:delete"), {"password": "not-my-password"})

    assert response.status_code == 200
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert readable_traces(NAME) == before
    assert User.objects.get(pk=world.person.pk).erased_at is None
    assert client.get(reverse("accounts:profile")).status_code == 200  # still signed in


def test_a_person_deletes_their_account_with_their_password_and_a_second_submit_is_harmless(client):
    world = person_with_a_past()
    client.force_login(world.person)
    assert reverse("accounts:delete") in client.get(reverse("accounts:profile")).content.decode()
    assert client.get(reverse("accounts:delete")).status_code == 200

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:deleted")
    assert "Your account is deleted" in response.content.decode()
    assert User.objects.get(pk=world.person.pk).erased_at is not None
    assert readable_traces(NAME) == []
    assert "_auth_user_id" not in client.session
    after = report_counts()

    again = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert again.status_code == 302 and again.url.startswith(reverse("account_login"))
    assert report_counts() == after


def test_staff_cannot_delete_their_own_account_from_the_profile(client):
    staff = StaffFactory(email="staff@example.org")
    client.force_login(staff)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 200
    assert "A staff account cannot be deleted by its owner" in response.content.decode()
    staff.refresh_from_db()
    assert staff.erased_at is None and staff.email == "staff@example.org"


# --- Staff: the admin action and the command -------------------------------------------------


def staff_with(*codenames: str) -> User:
    """Staff holding these permissions ("codename" of accounts, or "app_label.codename")."""
    staff = UserFactory(is_staff=True)
    for name in codenames:
        app_label, codename = name.split(".") if "." in name else ("accounts", name)
        staff.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return staff


def test_the_admin_action_needs_the_erase_permission(client):
    person = UserFactory(email=EMAIL)
    client.force_login(staff_with("view_user", "change_user"))

    listing = client.get(CHANGELIST)
    response = client.post(CHANGELIST, {"action": "erase_people", "_selected_action": [person.pk], "post": "yes"})

    actions = listing.context["action_form"]  # None: no action at all for this person
    assert actions is None or "erase_people" not in dict(actions.fields["action"].choices)
    assert response.status_code in (200, 302)
    assert User.objects.get(pk=person.pk).erased_at is None


def test_staff_with_the_permission_confirm_then_erase(client):
    world = person_with_a_past()
    client.force_login(staff_with("view_user", "change_user", "erase_person"))

    confirm = client.post(CHANGELIST, {"action": "erase_people", "_selected_action": [world.person.pk]})

    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert EMAIL in page and "Answers to application questions: 1" in page
    # Whether someone answered the self-identification questions is itself identity data.
    assert "Self-identification" not in page
    assert User.objects.get(pk=world.person.pk).erased_at is None  # asking changes nothing

    done = client.post(
        CHANGELIST, {"action": "erase_people", "_selected_action": [world.person.pk], "post": "yes"}, follow=True
    )

    assert "1 person erased" in done.content.decode()
    assert User.objects.get(pk=world.person.pk).erased_at is not None
    assert readable_traces(NAME) == []
    assert LogEntry.objects.filter(object_id=str(world.person.pk), change_message__contains="erased at").exists()


def test_staff_who_may_see_identity_data_see_that_identity_answers_go(client):
    world = person_with_a_past()
    client.force_login(staff_with("view_user", "erase_person", "applications.view_identity"))

    confirm = client.post(CHANGELIST, {"action": "erase_people", "_selected_action": [world.person.pk]})

    assert "Self-identification answers (kept only as anonymous counts): 1" in confirm.content.decode()


def test_only_a_superuser_erases_a_staff_account(client):
    colleague = UserFactory(is_staff=True, email="colleague@example.org")
    client.force_login(staff_with("view_user", "change_user", "erase_person"))

    response = client.post(
        CHANGELIST, {"action": "erase_people", "_selected_action": [colleague.pk], "post": "yes"}, follow=True
    )

    assert "Only a superuser can erase a staff account." in response.content.decode()
    assert User.objects.get(pk=colleague.pk).erased_at is None


def test_the_command_dry_run_lists_what_would_go_and_changes_nothing(capsys):
    world = person_with_a_past()
    before, traces = report_counts(), readable_traces(NAME)

    call_command("erase_person", EMAIL.upper(), "--dry-run")

    output = capsys.readouterr().out
    assert "Would erase" in output and "self-identification answers" in output and "Dry run" in output
    assert report_counts() == before and readable_traces(NAME) == traces
    assert User.objects.get(pk=world.person.pk).email == EMAIL


def test_the_command_asks_then_erases(monkeypatch, capsys):
    person_with_a_past()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("erase_person", EMAIL)
    assert User.objects.filter(email=EMAIL).exists()

    call_command("erase_person", EMAIL, "--no-input")

    assert not User.objects.filter(email=EMAIL).exists()
    assert readable_traces(NAME) == []
    with pytest.raises(CommandError, match="No person"):
        call_command("erase_person", EMAIL, "--dry-run")
