"""The change history staff read in the admin: who changed an application, a pair or a meeting log, and when;
and the privacy test that self-identification answers and private notes are never copied into it."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse
from simple_history.models import HistoricalChanges

from accounts.tests.factories import StaffFactory, UserFactory
from applications import services as application_services
from applications.models import Application, SelfIdentification
from applications.tests.factories import ApplicationFactory, SelfIdentificationFactory
from matching.models import Match
from meetings.models import MeetingLog, Topic
from meetings.tests.factories import PERIOD_START, MeetingLogFactory, pair

pytestmark = pytest.mark.django_db

WEEK_2 = PERIOD_START + dt.timedelta(weeks=1)  # Monday 8 March 2027
WEDNESDAY_OF_WEEK_2 = dt.datetime(2027, 3, 10, 12, tzinfo=zoneinfo.ZoneInfo("America/Toronto"))
PRIVATE_NOTE = "Confidential: my mentee is thinking of leaving their job."
NEW_PRIVATE_NOTE = "Confidential: they got the offer, and they are scared to tell their manager."
# Distinctive answers (codes as stored, and their labels as shown), so that finding one anywhere is no accident.
IDENTITY = {"gender": ["two_spirit", "non_binary"], "racialized": ["indigenous"], "trans": "yes"}
NEW_IDENTITY = {"gender": ["two_spirit"], "racialized": ["indigenous", "latin_american"], "disability": "yes"}
IDENTITY_WORDS = ["two_spirit", "non_binary", "indigenous", "latin_american", "Two-Spirit", "Non-binary",
                  "Indigenous", "Latin American"]  # fmt: skip
TRACKED = {"applications.Application", "applications.Review", "matching.Match", "meetings.MeetingLog"}


def history_models() -> list:
    return [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]


def history_url(obj, version=None) -> str:
    opts = obj._meta
    if version is None:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id])


def a_meeting(**fields) -> dict:
    topic, _created = Topic.objects.get_or_create(name_en="Interview practice")
    return {"met": "True", "met_on": "2027-03-09", "duration_minutes": "45", "format": "video",
            "topics": [topic.pk], "shared_notes": "We rehearsed a salary question.", **fields}  # fmt: skip


@pytest.fixture
def logged_in_week_2():
    """A pair's log of week 2, written on its Wednesday; the clock stays there (the log can be changed)."""
    with time_machine.travel(WEDNESDAY_OF_WEEK_2, tick=False):
        log = MeetingLogFactory(week=WEEK_2, met_on=WEEK_2 + dt.timedelta(days=1), private_note=PRIVATE_NOTE)
        yield log


# --- Who changed what, and when ----------------------------------------------------------------------


def test_a_staff_decision_in_the_admin_is_in_the_history_with_who_made_it(client, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    staff = StaffFactory()
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:applications_application_changelist"),
            {"action": "accept", "_selected_action": [application.pk]},
        )

    assert response.status_code == 302
    created, decided = application.history.order_by("history_date")
    assert (created.history_type, created.status, created.history_user) == ("+", "submitted", None)
    assert (decided.history_type, decided.status, decided.history_user) == ("~", "accepted", staff)
    assert decided.decided_at is not None


def test_ending_a_pair_in_the_admin_is_in_the_history_with_who_did_it(client):
    match = pair()
    staff = StaffFactory()
    client.force_login(staff)

    client.post(reverse("admin:matching_match_changelist"), {"action": "end", "_selected_action": [match.pk]})

    ended = match.history.latest()
    assert (ended.status, ended.history_user) == (Match.Status.ENDED, staff)


def test_a_mentor_changing_a_log_is_in_the_history_without_the_private_note(client, logged_in_week_2):
    log = logged_in_week_2
    mentor = log.match.mentor.user
    client.force_login(mentor)

    response = client.post(
        reverse("meetings:log_edit", args=[log.pk]), a_meeting(duration_minutes="60", private_note=NEW_PRIVATE_NOTE)
    )

    assert response.status_code == 302
    log.refresh_from_db()
    assert (log.duration_minutes, log.private_note) == (60, NEW_PRIVATE_NOTE)
    changed = log.history.latest()
    assert (changed.duration_minutes, changed.history_user) == (60, mentor)
    assert "private_note" not in {field.name for field in changed._meta.get_fields()}


# --- The history pages ---------------------------------------------------------------------------------


def test_staff_read_the_history_of_an_application_a_pair_and_a_log(client, logged_in_week_2):
    log = logged_in_week_2
    application = ApplicationFactory()
    staff = StaffFactory(preferred_name="Rosa Staffmember")
    client.force_login(staff)
    client.post(reverse("admin:applications_application_changelist"),
                {"action": "waitlist", "_selected_action": [application.pk]})  # fmt: skip
    client.post(reverse("admin:matching_match_changelist"), {"action": "end", "_selected_action": [log.match.pk]})

    for obj in (application, log.match, log):
        response = client.get(history_url(obj))
        assert response.status_code == 200, obj
        assert client.get(history_url(obj, obj.history.earliest())).status_code == 200
    for obj in (application, log.match):
        assert "Rosa Staffmember" in client.get(history_url(obj)).content.decode()  # who changed it


def test_people_who_are_not_staff_cannot_read_the_history(client, logged_in_week_2):
    log = logged_in_week_2
    client.force_login(log.match.mentor.user)

    for url in (history_url(log), history_url(log.match), history_url(log, log.history.earliest())):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_a_past_version_is_never_written_back(client, logged_in_week_2):
    """The history is a record, not an undo: its version page only shows (the services make every change)."""
    log = logged_in_week_2
    client.force_login(log.match.mentor.user)
    client.post(reverse("meetings:log_edit", args=[log.pk]), a_meeting(duration_minutes="60"))
    application = ApplicationFactory()
    application_services.application_decide(application=application, decision="accepted", by=StaffFactory())
    client.force_login(StaffFactory())

    for obj in (application, log):
        first = obj.history.earliest()
        page = client.get(history_url(obj, first)).content.decode()
        assert 'value="Revert"' not in page
        assert client.post(history_url(obj, first), {"_save": "Revert"}).status_code == 405

    application.refresh_from_db()
    log.refresh_from_db()
    assert (application.status, log.duration_minutes) == (Application.Status.ACCEPTED, 60)


def test_the_history_of_a_log_never_shows_its_private_note(client, logged_in_week_2):
    log = logged_in_week_2
    client.force_login(log.match.mentor.user)
    client.post(reverse("meetings:log_edit", args=[log.pk]), a_meeting(private_note=NEW_PRIVATE_NOTE))
    client.force_login(StaffFactory())  # a superuser: they may read private notes, on the log's own page

    pages = [client.get(history_url(log)), *(client.get(history_url(log, v)) for v in log.history.all())]

    assert len(pages) == 3
    for page in pages:
        assert page.status_code == 200
        assert "Confidential" not in page.content.decode()


def test_the_history_of_an_application_never_shows_identity_answers(client):
    application = ApplicationFactory()
    SelfIdentificationFactory(application=application, answers=IDENTITY)
    application_services.application_decide(application=application, decision="waitlisted", by=StaffFactory())
    reviewer = UserFactory(is_staff=True)  # decides, without the permission to see self-identification
    reviewer.user_permissions.set(
        Permission.objects.filter(content_type__app_label="applications", codename__in=["view_application"])
    )
    client.force_login(reviewer)

    pages = [client.get(history_url(application))]
    pages += [client.get(history_url(application, version)) for version in application.history.all()]

    for page in pages:
        assert page.status_code == 200
        assert not [word for word in IDENTITY_WORDS if word in page.content.decode()]


# --- The privacy test: nothing sensitive is copied into a history table ----------------------------------


def test_only_the_reviewed_models_keep_a_history():
    """A new history table must be checked for sensitive fields first: add it here once that is done.
    Self-identification keeps none (it would outlive the answers' deletion), and a log's history has no note."""
    assert {model.instance_type._meta.label for model in history_models()} == TRACKED
    assert not hasattr(SelfIdentification, "history")
    assert "private_note" not in {field.name for field in MeetingLog.history.model._meta.get_fields()}


def test_identity_answers_and_private_notes_never_reach_a_history_table(client, logged_in_week_2):
    # Self-identification given, then changed, on a submitted application that staff then decide twice on.
    application = ApplicationFactory()
    for answers in (IDENTITY, NEW_IDENTITY):
        application_services.self_identification_save(
            application=application, answers=answers, consent=True, share_with_match=True
        )
    for decision in ("waitlisted", "accepted"):
        application_services.application_decide(application=application, decision=decision, by=StaffFactory())
    # A log with a private note, changed by its mentor with a new one.
    log = logged_in_week_2
    client.force_login(log.match.mentor.user)
    client.post(reverse("meetings:log_edit", args=[log.pk]), a_meeting(private_note=NEW_PRIVATE_NOTE))
    log.refresh_from_db()
    assert log.private_note == NEW_PRIVATE_NOTE
    with connection.cursor() as cursor:  # the encrypted column as stored: not even a copy of that
        cursor.execute(f"SELECT answers FROM {SelfIdentification._meta.db_table}")  # noqa: S608
        (ciphertext,) = cursor.fetchone()

    secrets = [*IDENTITY_WORDS, PRIVATE_NOTE, NEW_PRIVATE_NOTE, "Confidential", str(ciphertext)]
    found, rows = [], 0
    for model in history_models():
        for row in model.objects.values():
            rows += 1
            for name, value in row.items():
                found += [(model.__name__, name, secret) for secret in secrets if secret in str(value)]

    assert rows >= 6  # the application's versions and the log's are there: the scan read them
    assert application.history.count() >= 3 and log.history.count() == 2
    assert found == []
