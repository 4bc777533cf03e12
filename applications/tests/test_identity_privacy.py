"""Self-identification answers can out a person. These tests prove where they can be read, and where not.

- At rest: the column holds a Fernet token; a changed token is refused; a key rotation keeps every row readable
  with the new key alone.
- Never copied: not into logs, error reports, emails (but the match email, when shared), the change history,
  the admin's log, any other table, dumpdata.
- Who sees them: staff in the "Identity data" group (or superusers); the applicant on their own identity form;
  their match, only if they chose to share, and only what they answered.
"""

import io
import json
import logging
import re

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core import mail, serializers
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from accounts.tests.factories import StaffFactory, UserFactory
from applications import services
from applications.models import Application, SelfIdentification
from matching import services as matching_services
from matching.models import Match
from meetings.tests.factories import MeetingLogFactory
from mentorship import crypto

from .factories import ApplicationFactory, MentorApplicationFactory, SelfIdentificationFactory
from .test_admin import CHANGELIST, change_url, export, posted_form, staff_without_identity_permission

pytestmark = pytest.mark.django_db

IDENTITY_GROUP = "Identity data"
STARS = SafeExceptionReporterFilter.cleansed_substitute

# A mentee's answers, chosen so that none of their values or labels appears anywhere on the site by chance.
ANSWERS = {
    "gender": ["two_spirit"],
    "trans": "yes",
    "lgbtq": "yes",
    "racialized": ["middle_eastern_north_african", "southeast_asian"],
    "disability": "yes",
    "affinity": ["lgbtq"],
}
POSTED = {**ANSWERS, "action": "continue", "share_with_match": "on", "consent": "on"}
VALUES = ["two_spirit", "middle_eastern_north_african", "southeast_asian"]
LABELS = [
    "Two-Spirit",
    "Middle Eastern or North African",
    "Southeast Asian",
    "How do you describe your gender?",
    "Do you identify as trans?",
    "Do you identify as lesbian, gay, bisexual",
    "How do you describe your racial or ethnic identity?",
    "Do you identify as a person with a disability?",
    "Yes: also LGBTQ+",
]
# What the column would show of the answers if they were stored as JSON.
KEYS = ['"gender"', "lgbtq", "racialized", "disability", "affinity", '"trans"', '"yes"']
# A mentor's answers, which they do not share with their match.
MENTOR_ANSWERS = {"racialized": ["latin_american"], "newcomer": "yes"}
MENTOR_SECRETS = ["latin_american", "Latin American", "Did you arrive in Canada in the last five years?"]


def leaks(text: str, secrets=(*VALUES, *LABELS)) -> list[str]:
    """The secrets found in ``text``: the tests assert that this is empty."""
    return [secret for secret in secrets if secret in text]


def raw_tokens() -> dict[int, str]:
    """What the database holds in the answers column, read around the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, answers FROM applications_selfidentification ORDER BY id")
        return dict(cursor.fetchall())


def store_raw(pk: int, token: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE applications_selfidentification SET answers = %s WHERE id = %s", [token, pk])


def staff_in_identity_group():
    """Staff who review and decide, and are in the "Identity data" group the migration creates."""
    user = staff_without_identity_permission()
    user.groups.add(Group.objects.get(name=IDENTITY_GROUP))
    return user


def identity_url(application) -> str:
    return reverse("applications:identity", args=[application.pk])


# --- Encrypted at rest -----------------------------------------------------------------------


def test_the_raw_column_holds_no_readable_answer():
    application = ApplicationFactory()
    services.self_identification_save(application=application, answers=ANSWERS, consent=True, share_with_match=True)

    [token] = raw_tokens().values()

    assert token.startswith("gAAAAA")  # a Fernet token (version byte 0x80), nothing else
    assert leaks(token, (*KEYS, *VALUES, *LABELS)) == []
    assert SelfIdentification.objects.get().answers == ANSWERS  # and the application reads it back


def test_a_tampered_token_or_a_foreign_key_raises_rather_than_returning_data():
    identity = SelfIdentificationFactory(answers=ANSWERS)
    token = raw_tokens()[identity.pk]
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    foreign = Fernet(Fernet.generate_key()).encrypt(json.dumps(ANSWERS).encode()).decode()

    for stored in (tampered, foreign):
        store_raw(identity.pk, stored)
        with pytest.raises(ValueError, match="could not be read"):
            SelfIdentification.objects.get(pk=identity.pk)


def test_dumpdata_writes_the_token_and_loads_back_the_answers():
    identity = SelfIdentificationFactory(answers=ANSWERS)
    out = io.StringIO()

    call_command("dumpdata", stdout=out)  # the whole database, as a backup would

    text = out.getvalue()
    assert leaks(text) == []
    [row] = [row for row in json.loads(text) if row["model"] == "applications.selfidentification"]
    assert row["fields"]["answers"].startswith("gAAAAA")  # a token (encrypted afresh, so not the stored one)
    assert crypto.decrypt(row["fields"]["answers"]) == ANSWERS
    [loaded] = [item.object for item in serializers.deserialize("json", text) if item.object == identity]
    assert loaded.answers == ANSWERS


# --- Key rotation ----------------------------------------------------------------------------

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_identity_key", *args, stdout=out)
    return out.getvalue()


def test_rotation_leaves_every_row_readable_with_only_the_new_key(settings):
    settings.IDENTITY_KEYS = [OLD_KEY]
    old = [SelfIdentificationFactory(answers={**ANSWERS, "newcomer": str(number)}) for number in range(3)]
    settings.IDENTITY_KEYS = [NEW_KEY, OLD_KEY]  # step 2: the new key first, the old one still there
    current = SelfIdentificationFactory(answers=ANSWERS)  # saved after the deployment: on the new key already
    before = raw_tokens()

    assert rotate("--dry-run") == "3 of 4 self-identification rows would be re-encrypted with the newest key.\n"
    assert raw_tokens() == before  # a dry run changes nothing

    assert "Re-encrypted 3 of 4" in rotate("--batch-size", "2")  # two batches of two
    after = raw_tokens()
    assert after[current.pk] == before[current.pk]  # left alone
    assert all(after[identity.pk] != before[identity.pk] for identity in old)

    settings.IDENTITY_KEYS = [NEW_KEY]  # step 5: the old key is gone
    for number, identity in enumerate(old):
        assert SelfIdentification.objects.get(pk=identity.pk).answers == {**ANSWERS, "newcomer": str(number)}
    assert SelfIdentification.objects.get(pk=current.pk).answers == ANSWERS
    assert leaks(" ".join(after.values()), (*KEYS, *VALUES)) == []

    assert "Re-encrypted 0 of 4" in rotate()  # running it again changes nothing
    assert raw_tokens() == after


def test_a_row_no_key_can_read_fails_the_rotation_and_is_named(settings):
    settings.IDENTITY_KEYS = [OLD_KEY]
    readable = SelfIdentificationFactory(answers=ANSWERS)
    lost = SelfIdentificationFactory(answers=ANSWERS)
    foreign = Fernet(Fernet.generate_key()).encrypt(b"{}").decode()
    store_raw(lost.pk, foreign)
    settings.IDENTITY_KEYS = [NEW_KEY, OLD_KEY]

    with pytest.raises(CommandError, match=rf"1 self-identification rows could not be read .*ids: {lost.pk}\)"):
        rotate()

    settings.IDENTITY_KEYS = [NEW_KEY]
    assert SelfIdentification.objects.get(pk=readable.pk).answers == ANSWERS  # the others were rotated
    assert raw_tokens()[lost.pk] == foreign  # and this one left as it was


def test_new_key_prints_a_fresh_fernet_key():
    first, second = rotate("--new-key").strip(), rotate("--new-key").strip()

    assert first != second
    assert Fernet(first).decrypt(Fernet(first).encrypt(b"ok")) == b"ok"


# --- The "Identity data" group ---------------------------------------------------------------


def test_the_identity_data_group_holds_the_permission_and_nothing_else():
    group = Group.objects.get(name=IDENTITY_GROUP)

    assert [f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()] == [
        "applications.view_identity"
    ]
    holders = Permission.objects.get(codename="view_identity").user_set.all()
    assert not holders.exists()  # given through the group only


@pytest.mark.parametrize(
    ("who", "sees"),
    [("staff outside the group", False), ("staff in the group", True), ("superuser", True)],
)
def test_only_the_identity_data_group_and_superusers_see_answers_in_the_admin(client, who, sees):
    application = ApplicationFactory()
    SelfIdentificationFactory(application=application, answers=ANSWERS)
    user = {
        "staff outside the group": staff_without_identity_permission,
        "staff in the group": staff_in_identity_group,
        "superuser": StaffFactory,
    }[who]()
    client.force_login(user)

    page = client.get(change_url(application))
    [row] = export(client, [application])

    assert page.status_code == 200
    assert bool(leaks(page.content.decode())) is sees
    assert ("How do you describe your gender?" in row) is sees
    assert bool(leaks(json.dumps(row))) is sees
    if sees:
        assert row["How do you describe your gender?"] == "Two-Spirit"


def test_staff_without_the_application_permission_get_no_page_at_all(client):
    application = ApplicationFactory()
    SelfIdentificationFactory(application=application, answers=ANSWERS)
    client.force_login(UserFactory(is_staff=True))  # staff, with no permission

    assert client.get(change_url(application)).status_code == 403
    response = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [application.pk]})
    assert response.status_code == 403


# --- The applicant ---------------------------------------------------------------------------


def test_the_applicant_sees_their_answers_only_on_their_own_identity_form(client):
    application = ApplicationFactory()
    client.force_login(application.user)

    assert client.post(identity_url(application), POSTED).status_code == 302
    form_page = client.get(identity_url(application))

    assert form_page.context["form"].initial["gender"] == ["two_spirit"]  # they may change their answers
    assert re.search(r'value="two_spirit"[^>]*checked', form_page.content.decode())
    for url in (
        application.get_absolute_url(),
        reverse("applications:dashboard"),
        reverse("home"),
        reverse("accounts:profile"),
    ):
        assert leaks(client.get(url).content.decode()) == [], url

    client.force_login(UserFactory())  # anyone else: no such page
    assert client.get(identity_url(application)).status_code == 404


# --- Logs and error reports ------------------------------------------------------------------


def log_text(records) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(f"{formatter.format(record)} {vars(record)!r}" for record in records)


def test_saving_the_identity_form_logs_no_answer_even_at_debug_level(client, caplog):
    application = ApplicationFactory()
    client.force_login(application.user)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")

    with CaptureQueriesContext(connection) as queries:  # which also logs every query (django.db.backends)
        refused = client.post(identity_url(application), {**POSTED, "consent": ""})  # shown again, with an error
        assert client.post(identity_url(application), POSTED).status_code == 302
        shown = client.get(identity_url(application))  # the form, with the answers ticked

    assert "consent" in refused.context["form"].errors
    assert shown.context["form"].initial["gender"] == ["two_spirit"]
    # The template engine's DEBUG records would hold the form's context, the ticked answers among it
    # (mentorship/settings.py keeps that logger at INFO even when "django" is at DEBUG).
    assert logging.getLogger("django.template").getEffectiveLevel() > logging.DEBUG

    assert SelfIdentification.objects.get().answers == ANSWERS
    logged_sql = [record for record in caplog.records if record.name == "django.db.backends"]
    assert any("applications_selfidentification" in record.getMessage() for record in logged_sql)
    assert any("gAAAAA" in record.getMessage() for record in logged_sql)  # the token, as the database sees it
    assert len(logged_sql) >= len(queries)
    assert leaks(log_text(caplog.records)) == []


def test_an_error_while_saving_is_reported_and_logged_without_the_answers(settings, caplog, monkeypatch):
    settings.ADMINS = [("Operations", "ops@example.org")]  # so that Django emails the error report
    application = ApplicationFactory()  # no answers yet: saving creates the row, which fails

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away (test)")

    monkeypatch.setattr(SelfIdentification, "save", broken_save)
    client = Client(raise_request_exception=False)
    client.force_login(application.user)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")

    response = client.post(identity_url(application), POSTED)

    assert response.status_code == 500
    assert leaks(response.content.decode()) == []
    [record] = [record for record in caplog.records if record.name == "django.request" and record.exc_info]
    assert leaks(log_text(caplog.records)) == []

    request = record.request
    posted = SafeExceptionReporterFilter().get_post_parameters(request)
    assert {name: posted[name] for name in ANSWERS} == dict.fromkeys(ANSWERS, STARS)
    reporter = ExceptionReporter(request, *record.exc_info)
    html, text = reporter.get_traceback_html(), reporter.get_traceback_text()
    assert "the database went away (test)" in text
    assert "self_identification_save" in text  # the service's frame is in the report...
    assert STARS in html  # ... with its variables hidden
    assert leaks(html) == [] and leaks(text) == []
    assert settings.IDENTITY_KEYS[0] not in html  # nor the key (the setting's name says KEY)

    [report] = [message for message in mail.outbox if message.to == ["ops@example.org"]]
    assert leaks(report.subject + report.body) == []


def test_an_error_with_saved_answers_in_the_view_is_reported_without_them(monkeypatch, caplog):
    """The view holds the saved answers (to show them back) when the service fails on an update."""
    application = ApplicationFactory()
    SelfIdentificationFactory(application=application, answers=ANSWERS)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away (test)")

    monkeypatch.setattr(SelfIdentification, "save", broken_save)
    client = Client(raise_request_exception=False)
    client.force_login(application.user)

    assert client.post(identity_url(application), POSTED).status_code == 500

    [record] = [record for record in caplog.records if record.name == "django.request" and record.exc_info]
    reporter = ExceptionReporter(record.request, *record.exc_info)
    assert leaks(reporter.get_traceback_html()) == []
    assert leaks(reporter.get_traceback_text()) == []


# --- A cohort lived through: emails, change history, every table -----------------------------


@pytest.fixture
def lived(client, django_capture_on_commit_callbacks):
    """A mentee who shares their answers and a mentor who does not: applied, reviewed and accepted in the
    admin, matched, emailed, their first week logged."""
    mentee_application = ApplicationFactory()
    cohort = mentee_application.cohort
    mentor_application = MentorApplicationFactory(cohort=cohort)
    client.force_login(mentee_application.user)
    assert client.post(identity_url(mentee_application), {**POSTED, "disability": "no"}).status_code == 302
    assert client.post(identity_url(mentee_application), POSTED).status_code == 302  # and changed once
    services.self_identification_save(
        application=mentor_application, answers=MENTOR_ANSWERS, consent=True, share_with_match=False
    )

    staff = staff_in_identity_group()
    client.force_login(staff)
    page = client.get(change_url(mentee_application))
    assert leaks(page.content.decode())  # this person may see them, and the page shows them
    review = posted_form(page)
    review["reviews-0-notes"] = "Clear goals (test)."
    assert client.post(change_url(mentee_application), review).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        selected = [mentee_application.pk, mentor_application.pk]
        client.post(CHANGELIST, {"action": "accept", "_selected_action": selected})
        run = matching_services.match_run_create(cohort=cohort, mode="best", weights=None, by=staff)
        matching_services.match_run_publish(run=run, by=staff)
    match = Match.objects.get()
    MeetingLogFactory(match=match)
    return match


def test_emails_hold_no_answer_but_the_match_email_of_someone_who_shared(lived):
    mentee, mentor = lived.mentee.user, lived.mentor.user
    decisions = [message for message in mail.outbox if "Meet your match" not in message.subject]
    to_mentor, to_mentee = (
        [message for message in mail.outbox if "Meet your match" in message.subject and message.to == [user.email]]
        for user in (mentor, mentee)
    )

    assert len(decisions) == 2 and len(to_mentor) == len(to_mentee) == 1
    for message in decisions:
        assert leaks(message.subject + message.body, (*VALUES, *LABELS, *MENTOR_SECRETS)) == []
    # The mentee shared: their mentor reads what they answered, and nothing they left blank.
    shared = to_mentor[0].body
    assert "What they chose to share with you:" in shared
    assert "Two-Spirit" in shared and "Middle Eastern or North African, Southeast Asian" in shared
    assert "Did you arrive in Canada" not in shared
    assert leaks(shared, MENTOR_SECRETS) == []
    # The mentor did not: the mentee reads nothing of theirs (and their own answers are not echoed).
    assert "What they chose to share with you:" not in to_mentee[0].body
    assert leaks(to_mentee[0].body, (*VALUES, *LABELS, *MENTOR_SECRETS)) == []


def test_the_match_never_sees_what_was_not_shared_on_their_pages(client, lived):
    client.force_login(lived.mentee.user)

    for url in (reverse("home"), reverse("meetings:home"), reverse("meetings:pair", args=[lived.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(response.content.decode(), MENTOR_SECRETS) == [], url


def test_the_change_history_and_the_admin_log_never_hold_an_answer(client, lived):
    matching_services.match_end(match=lived, by=StaffFactory())  # publishing writes no history row of a pair
    history_models = [model for model in apps.get_models() if model.__name__.startswith("Historical")]
    names = {model.__name__ for model in history_models}
    assert {"HistoricalApplication", "HistoricalReview", "HistoricalMatch", "HistoricalMeetingLog"} <= names
    assert "HistoricalSelfIdentification" not in names
    assert not hasattr(SelfIdentification, "history")

    for model in history_models:
        rows = list(model.objects.values())
        if model.__name__ in ("HistoricalApplication", "HistoricalReview", "HistoricalMatch", "HistoricalMeetingLog"):
            assert rows, model.__name__  # the scenario wrote history: the scan below is not of empty tables
        assert leaks(repr(rows), (*VALUES, *LABELS, *MENTOR_SECRETS)) == [], model.__name__

    entries = list(LogEntry.objects.all())
    assert entries  # the review saved through the application's page
    text = " ".join(f"{e.object_repr} {e.change_message} {e.get_change_message()}" for e in entries)
    assert leaks(text, (*VALUES, *LABELS, *MENTOR_SECRETS)) == []

    # The history page, even for staff who may see the answers elsewhere; a past version, for staff who may not.
    application = lived.mentee.application
    client.force_login(staff_in_identity_group())
    page = client.get(reverse("admin:applications_application_history", args=[application.pk]))
    assert page.status_code == 200
    assert leaks(page.content.decode()) == []
    client.force_login(staff_without_identity_permission())
    version = application.history.earliest("history_date")
    args = [application.pk, version.history_id]
    page = client.get(reverse("admin:applications_application_simple_history", args=args))
    assert page.status_code == 200
    assert leaks(page.content.decode()) == []


def test_no_table_but_the_encrypted_column_holds_an_answer(lived):
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (table names from the database itself)
            text = repr(cursor.fetchall())
            if leaks(text, (*VALUES, *LABELS, *MENTOR_SECRETS)):
                found[table] = leaks(text, (*VALUES, *LABELS, *MENTOR_SECRETS))
    assert found == {}
    assert Application.objects.get(pk=lived.mentee.application_id).self_identification.answers == ANSWERS
