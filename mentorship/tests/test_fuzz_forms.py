"""Every form a person or staff member can post, fuzzed with hostile values (see fuzzing.py): very long
strings, null bytes, unicode, HTML, SQL fragments, numbers as strings, lists for single values, missing
fields and unknown keys.

For each example: never a server error; a form shown again with errors (or refused with a message)
changes nothing in the database; a save is complete and keeps exactly the values posted, once cleaned
(compared with the same form run on the same request data), and touches only the tables it should.
Each example runs in a transaction rolled back at its end. The number of hostile inputs tried is
printed at the end of the module and written to test-output/fuzz-count.txt.
"""

import datetime as dt
import zoneinfo
from copy import copy
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core import signing
from django.db.models import CharField, TextField
from django.template import Template
from django.test.utils import _TestState
from django.urls import reverse
from django.utils import timezone as django_timezone
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.forms import ProfileForm, SignupForm
from accounts.models import User
from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from applications.forms import ApplicationForm, SelfIdentificationForm
from applications.identity import IDENTITY_QUESTIONS
from applications.models import (
    Answer,
    Application,
    Availability,
    ConfidenceRating,
    ConfidenceStatement,
    OutreachChannel,
    Question,
    SelfIdentification,
    Tag,
)
from applications.tests.factories import (
    ApplicationFactory,
    ConfidenceRatingFactory,
    ConfidenceStatementFactory,
    OutreachChannelFactory,
    QuestionFactory,
    ReviewFactory,
    RubricCriterionFactory,
    SelfIdentificationFactory,
    TagFactory,
)
from cohorts.models import Role
from cohorts.tests.factories import CohortFactory, ParticipantFactory, ProgramFactory, SessionFactory
from events import services as event_services
from events.forms import RatingsForm, RsvpForm
from events.models import PitchFeedback, Rating, Seat
from events.tests.factories import AttendanceFactory, EventFactory, mentees, mentors
from matching import services as matching_services
from matching.forms import RunForm
from matching.models import DEFAULT_WEIGHTS, Match, MatchRun, Mode, PairRule
from meetings.forms import MeetingLogForm, MenteeResponseForm
from meetings.links import PAUSE_SALT
from meetings.models import Format, MeetingLog, MenteeResponse, Pair, ReminderPause, Topic
from meetings.tests.factories import PERIOD_START, MeetingLogFactory, mentorship_cohort, pair
from reports.forms import OutcomeForm, SurveyForm
from reports.models import Outcome as CareerOutcome
from reports.models import SurveyInvitation, SurveyRating, SurveyResponse
from reports.selectors import participations_of

from .fuzzing import (
    CHARACTERS,
    FUZZ,
    FUZZ_ADMIN,
    SAVED,
    TRIED,
    changes,
    encodings,
    form_data,
    hostile_scalar,
    only_changed,
    page_form,
    page_strategies,
    page_values,
    post,
    rolled_back,
    snapshot,
)

pytestmark = pytest.mark.django_db

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
WEEK_2 = PERIOD_START + dt.timedelta(weeks=1)  # Monday 8 March 2027
WEDNESDAY_OF_WEEK_2 = dt.datetime(2027, 3, 10, 12, tzinfo=TORONTO)
COUNT_FILE = Path(django_settings.BASE_DIR) / "test-output" / "fuzz-count.txt"

# Valid values: text without null characters (any other character, any script), and the fields' choices.
PLAIN = st.characters(exclude_categories=["Cs", "Cc"])


def text(max_size: int, *, min_size: int = 0):
    return st.text(PLAIN, min_size=min_size, max_size=min(max_size, 60)) | st.builds(
        lambda size: "é" * size, st.integers(max(min_size, 1), max_size)
    )


ZONES = ["America/Toronto", "America/Vancouver", "Europe/Paris", "UTC", "Asia/Kolkata"]
TIME_ZONES = st.sampled_from(ZONES)
LANGUAGES = st.sampled_from(["en", "fr"])


@pytest.fixture(scope="module", autouse=True)
def _report_count(request):
    """Print and record how many hostile inputs the module posted."""
    yield
    total = sum(TRIED.values())
    lines = [f"hostile inputs tried: {total} on {len(TRIED)} forms, {sum(SAVED.values())} of them saved"]
    lines += [f"  {name}: {count} ({SAVED[name]} saved)" for name, count in sorted(TRIED.items())]
    COUNT_FILE.parent.mkdir(exist_ok=True)
    COUNT_FILE.write_text("\n".join(lines) + "\n")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n" + "\n".join(lines))


@pytest.fixture(scope="module", autouse=True)
def _templates_not_recorded():
    """The test client records a copy of the context of every template it renders, each <option> of the
    time zone select included: a second per page. These tests read the database, not the context."""
    recorded = Template._render
    Template._render = _TestState.saved_data.template_render  # as setup_test_environment() found it
    yield
    Template._render = recorded


@pytest.fixture(scope="module", autouse=True)
def _short_time_zone_selects():
    """Rendering the select of some 600 time zones is most of the time of a page that has one, and a refused
    form is shown again: the examples use a select of the zones they post (the same ChoiceField otherwise)."""
    zones = [(zone, zone) for zone in ZONES]
    with pytest.MonkeyPatch.context() as patch:
        for form in (SignupForm, ProfileForm, ApplicationForm):
            patch.setattr(form.base_fields["time_zone"], "choices", zones)
        yield


def send(client, url, data, encoding, *, name):
    """Post, and check what holds for every form: no server error, a form shown again (refused) leaves
    the database as it was, and the page a save leads to can show what was saved. Returns the response
    and the tables changed."""
    before = snapshot()
    response = post(client, url, data, encoding, name=name)
    assert response.status_code < 500
    diff = changes(before, snapshot())
    SAVED[name] += bool(diff)
    if response.status_code == 200 or response.status_code >= 400:
        assert not diff, f"refused ({response.status_code}) but the database changed: {sorted(diff)}"
    if diff and response.status_code == 302 and is_redirect_to_site(response):
        assert client.get(response["Location"]).status_code < 500, "the page after the save cannot show it"
    return response, diff


def values(instance) -> dict:
    return type(instance)._base_manager.filter(pk=instance.pk).values().get()


def same_except(before: dict, after: dict, changed: set[str]) -> None:
    others = {key for key in before if key not in changed}
    assert {key: after[key] for key in others} == {key: before[key] for key in others}


def is_redirect_to_site(response) -> bool:
    location = urlsplit(response["Location"])
    return response.status_code == 302 and not location.netloc and not location.scheme


# --- Accounts ------------------------------------------------------------------------------------


def test_profile(client):
    user = UserFactory()
    url = reverse("accounts:profile")
    fields = {"preferred_name": text(80), "pronouns": text(40), "time_zone": TIME_ZONES, "language": LANGUAGES}

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    @example(data={"preferred_name": " Ana\x00 ", "pronouns": "she/her", "time_zone": "UTC", "language": "fr"},
             encoding="multipart")  # fmt: skip
    def fuzz(data, encoding):
        with rolled_back(client, user):
            before = values(user)
            response, diff = send(client, url, data, encoding, name="accounts: profile")
            form = ProfileForm(response.wsgi_request.POST or None, instance=copy(user))
            if not form.is_valid():
                assert not diff
                return
            assert response.status_code == 302
            only_changed(diff, {"accounts.user"})
            after = values(user)
            same_except(before, after, set(fields))
            for name in fields:
                assert after[name] == form.cleaned_data[name] == response.wsgi_request.POST.get(name, "").strip()

    fuzz()


def test_language_switcher(client):
    user = UserFactory(language="en")
    url = reverse("accounts:set_language")
    fields = {"language": LANGUAGES, "next": st.sampled_from(["/", "/me/", "/applications/"])}

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    @example(data={"language": "fr", "next": "https://evil.example/"}, encoding="multipart")
    @example(data={"language": "fr\x00", "next": "//evil.example/%00"}, encoding="urlencoded")
    def fuzz(data, encoding):
        with rolled_back(client, user):
            before = values(user)
            response, diff = send(client, url, data, encoding, name="accounts: language switcher")
            assert is_redirect_to_site(response)
            only_changed(diff, {"accounts.user"})
            after = values(user)
            same_except(before, after, {"language"})
            posted = response.wsgi_request.POST.get("language", "")
            assert after["language"] == (posted if posted in ("en", "fr") else "en")

    fuzz()


def test_sign_up(client):
    taken = UserFactory(email="taken@example.org")
    url = reverse("account_signup")
    fields = {
        "preferred_name": text(80, min_size=1),
        "pronouns": text(40),
        "email": st.integers(0, 10**9).map(lambda n: f"new{n}@example.org") | st.just(taken.email.upper()),
        "password1": st.just(PASSWORD),
        "password2": st.just(PASSWORD),
        "time_zone": TIME_ZONES,
        "language": LANGUAGES,
    }

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client):
            users = set(User.objects.values_list("pk", flat=True))
            response, diff = send(client, url, data, encoding, name="accounts: sign-up (allauth)")
            new = User.objects.exclude(pk__in=users)
            if not diff:
                return
            assert response.status_code == 302
            only_changed(diff, {"accounts.user", "account.emailaddress"})
            user = new.get()
            posted = response.wsgi_request.POST
            assert user.email == posted["email"].strip().lower()
            assert user.check_password(posted["password1"])
            for name in ("preferred_name", "pronouns", "time_zone", "language"):
                # An optional field left out of the post (pronouns) is saved blank.
                assert getattr(user, name) == (posted[name].strip() if name in posted else "")
            assert list(user.emailaddress_set.values_list("email", "verified")) == [(user.email, False)]

    fuzz()


def test_log_in(client):
    user = UserFactory(email="known@example.org")
    url = reverse("account_login")
    fields = {
        "login": st.sampled_from([user.email, user.email.upper(), "nobody@example.org"]),
        "password": st.sampled_from([PASSWORD, "wrong"]),
        "remember": st.sampled_from(["on", ""]),
    }

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client):
            before = values(user)
            response, diff = send(client, url, data, encoding, name="accounts: log in (allauth)")
            only_changed(diff, {"accounts.user"})
            if diff:  # a login: only the time of the last login changes
                assert response.status_code == 302
                same_except(before, values(user), {"last_login"})

    fuzz()


def test_add_an_email_address(client):
    user = UserFactory()
    url = reverse("account_email")
    fields = {"email": st.integers(0, 10**9).map(lambda n: f"other{n}@example.org"), "action_add": st.just("")}

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, user):
            addresses = set(user.emailaddress_set.values_list("pk", flat=True))
            response, diff = send(client, url, data, encoding, name="accounts: add an email address (allauth)")
            if not diff:
                return
            assert response.status_code == 302
            only_changed(diff, {"account.emailaddress"})
            added = user.emailaddress_set.exclude(pk__in=addresses).get()
            assert added.email == response.wsgi_request.POST["email"].strip().lower()
            assert not added.verified

    fuzz()


def test_delete_my_account(client):
    user = UserFactory()
    ApplicationFactory(user=user)
    url = reverse("accounts:delete")
    fields = {"password": st.sampled_from([PASSWORD, PASSWORD.upper(), f" {PASSWORD}", ""])}

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    @example(data={"password": PASSWORD}, encoding="multipart")
    def fuzz(data, encoding):
        with rolled_back(client, user):
            response, diff = send(client, url, data, encoding, name="accounts: delete my account")
            erased = User.objects.get(pk=user.pk)
            if response.wsgi_request.POST.get("password") == PASSWORD:
                assert response.status_code == 302
                assert erased.erased_at is not None and erased.email != user.email
                assert not erased.has_usable_password()
            else:
                assert response.status_code == 200
                assert not diff

    fuzz()


# --- Applications --------------------------------------------------------------------------------


@pytest.fixture
def cohort():
    """An open cohort with a question of each kind for each role, tags, a channel and two statements."""
    cohort = CohortFactory()
    for role in Role.values:
        for position, kind in enumerate(Question.Kind.values):
            choices = "Alpha\nBeta\nGamma" if "choice" in kind else ""
            QuestionFactory(cohort=cohort, role=role, kind=kind, choices_en=choices, position=position,
                            required=position % 2 == 0)  # fmt: skip
    for kind in Tag.Kind.values:
        TagFactory.create_batch(2, kind=kind)
    TagFactory(kind=Tag.Kind.SKILL, active=False)
    OutreachChannelFactory()
    OutreachChannelFactory(active=False)
    ConfidenceStatementFactory.create_batch(2)
    return cohort


def application_fields(cohort, role: str) -> dict:
    def tags(kind):
        ids = list(Tag.objects.filter(kind=kind, active=True).values_list("pk", flat=True))
        return st.lists(st.sampled_from(ids), unique=True, max_size=len(ids))

    fields = {
        "goals": tags(Tag.Kind.GOAL),
        "skills": tags(Tag.Kind.SKILL),
        "industries": tags(Tag.Kind.INDUSTRY),
        "time_zone": TIME_ZONES,
        "availability": st.lists(st.sampled_from(Availability.values), unique=True, min_size=1),
        "outreach_channel": st.sampled_from([*OutreachChannel.objects.values_list("pk", flat=True), ""]),
        "action": st.sampled_from(["save", "continue"]),
    }
    for question in cohort.questions.filter(role=role):
        fields[f"question_{question.pk}"] = {
            Question.Kind.SHORT_TEXT: text(300),
            Question.Kind.LONG_TEXT: text(5000),
            Question.Kind.SINGLE_CHOICE: st.sampled_from(["1", "2", "3"]),
            Question.Kind.MULTIPLE_CHOICE: st.lists(st.sampled_from(["1", "2", "3"]), unique=True),
            Question.Kind.SCALE: st.sampled_from(["1", "2", "3", "4", "5"]),
        }[question.kind]
    for statement in ConfidenceStatement.objects.filter(active=True):
        fields[f"confidence_{statement.pk}"] = st.sampled_from(["1", "2", "3", "4", "5"])
    if role == Role.MENTOR:
        fields["mentee_capacity"] = st.sampled_from(["1", "2", "3"])
        fields["wants_stipend"] = st.sampled_from(["on", ""])
    return fields


def assert_application_saved(application: Application, form: ApplicationForm) -> None:
    """Every value of the form is in the database, as cleaned: nothing missing, nothing truncated."""
    data = form.service_data()
    application.refresh_from_db()
    assert application.time_zone == data["time_zone"]
    assert application.availability == data["availability"]
    assert application.outreach_channel == data["outreach_channel"]
    assert application.wants_stipend == data["wants_stipend"]
    assert application.mentee_capacity == (data["mentee_capacity"] if application.role == Role.MENTOR else None)
    for name in ("goals", "skills", "industries"):
        assert set(getattr(application, name).values_list("pk", flat=True)) == set(data[name])
    answers = dict(Answer.objects.filter(application=application).values_list("question_id", "value"))
    assert answers == {q.pk: value for q, value in data["answers"].items() if value not in ("", None, [])}
    ratings = dict(ConfidenceRating.objects.filter(application=application).values_list("statement_id", "rating"))
    assert ratings == {statement.pk: rating for statement, rating in data["confidence"].items() if rating}
    posted = form.data
    for question in form.questions:
        if question.kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT) and answers.get(question.pk):
            assert answers[question.pk] == posted[f"question_{question.pk}"].strip()


APPLICATION_TABLES = {
    "applications.application",
    "applications.historicalapplication",
    "applications.application_goals",
    "applications.application_skills",
    "applications.application_industries",
    "applications.answer",
    "applications.confidencerating",
    "applications.applicationevent",
}


@pytest.mark.parametrize("role", Role.values)
def test_apply(client, cohort, role):
    user = UserFactory()
    url = reverse("applications:apply", args=[cohort.slug, role])
    fields = application_fields(cohort, role)

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, user):
            response, diff = send(client, url, data, encoding, name=f"applications: apply as {role}")
            posted = response.wsgi_request.POST
            form = ApplicationForm(posted or None, cohort=cohort, role=role, application=None,
                                   strict=posted.get("action", "save") == "continue")  # fmt: skip
            if not form.is_valid():
                assert response.status_code == 200
                assert not diff
                return
            assert response.status_code == 302
            only_changed(diff, APPLICATION_TABLES)
            application = Application.objects.get(user=user, cohort=cohort, role=role)
            assert application.status == Application.Status.DRAFT
            assert_application_saved(application, form)

    fuzz()


@pytest.mark.parametrize("status", [Application.Status.DRAFT, Application.Status.SUBMITTED])
def test_edit_an_application(client, cohort, status):
    submitted_at = None if status == Application.Status.DRAFT else dt.datetime.now(dt.UTC)
    application = ApplicationFactory(cohort=cohort, role=Role.MENTOR, status=status, submitted_at=submitted_at)
    url = reverse("applications:edit", args=[application.pk])
    fields = application_fields(cohort, Role.MENTOR)

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, application.user):
            before = values(application)
            response, diff = send(client, url, data, encoding, name=f"applications: edit ({status})")
            posted = response.wsgi_request.POST
            strict = posted.get("action", "save") == "continue" or status == Application.Status.SUBMITTED
            form = ApplicationForm(posted or None, cohort=cohort, role=Role.MENTOR, application=application,
                                   strict=strict)  # fmt: skip
            if not form.is_valid():
                assert response.status_code == 200
                assert not diff
                return
            assert response.status_code == 302
            only_changed(diff, APPLICATION_TABLES)
            after = values(application)
            same_except(before, after, {"time_zone", "availability", "outreach_channel_id", "wants_stipend",
                                        "mentee_capacity", "updated_at"})  # fmt: skip
            assert_application_saved(application, form)

    fuzz()


def test_self_identification(client, cohort):
    application = ApplicationFactory(cohort=cohort, status=Application.Status.DRAFT, submitted_at=None)
    SelfIdentificationFactory(application=application)
    url = reverse("applications:identity", args=[application.pk])
    # "Prefer not to say" with another answer is refused: the lists of answers leave it out.
    fields = {
        question.key: (st.lists(st.sampled_from([value for value, _label in question.choices[:-1]]), unique=True)
                       if question.multiple else st.sampled_from([value for value, _label in question.choices]))
        for question in IDENTITY_QUESTIONS
    }  # fmt: skip
    fields |= {"share_with_match": st.sampled_from(["on", ""]), "consent": st.sampled_from(["on", "on", ""]),
               "action": st.sampled_from(["save", "save", "skip"])}  # fmt: skip

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    @example(data={"gender": ["woman", "two_spirit"], "trans": "no", "consent": "on", "action": "save"},
             encoding="multipart")  # fmt: skip
    @example(data={"gender": [], "action": "save"}, encoding="urlencoded")  # no answers: the old ones go
    def fuzz(data, encoding):
        with rolled_back(client, application.user):
            response, diff = send(client, url, data, encoding, name="applications: self-identification")
            posted = response.wsgi_request.POST
            form = SelfIdentificationForm(posted or None)
            if posted.get("action") == "skip" or not form.is_valid():
                assert not diff
                return
            answers = {key: value for key, value in form.answers().items() if value not in ("", None, [])}
            if answers and not form.cleaned_data["consent"]:
                assert response.status_code == 200
                assert not diff
                return
            assert response.status_code == 302
            only_changed(diff, {"applications.selfidentification"})
            identity = SelfIdentification.objects.filter(application=application).first()
            if not answers:
                assert identity is None
            else:
                assert identity.answers == answers
                assert identity.share_with_match == form.cleaned_data["share_with_match"]

    fuzz()


@pytest.mark.parametrize("action", ["submit", "withdraw"])
def test_submit_and_withdraw_ignore_what_else_is_posted(client, action):
    """Buttons without fields: whatever else the request carries, the application moves once, entirely."""
    application = ApplicationFactory(cohort=CohortFactory(), status=Application.Status.DRAFT, submitted_at=None)
    for statement in ConfidenceStatement.objects.filter(active=True):
        ConfidenceRatingFactory(application=application, statement=statement)
    url = reverse(f"applications:{action}", args=[application.pk])
    expected = {"submit": Application.Status.SUBMITTED, "withdraw": Application.Status.WITHDRAWN}[action]

    @FUZZ
    @given(data=form_data({"action": st.just(action)}), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, application.user):
            response, diff = send(client, url, data, encoding, name=f"applications: {action}")
            assert response.status_code == 302
            only_changed(diff, {"applications.application", "applications.historicalapplication",
                                "applications.applicationevent", "cohorts.participant"})  # fmt: skip
            application.refresh_from_db()
            assert application.status == expected
            assert application.events.filter(kind=expected).count() == 1

    fuzz()


# --- Events --------------------------------------------------------------------------------------


@pytest.fixture
def event():
    event = EventFactory(rounds=3, tables=2)
    mentors(event, 2)
    mentees(event, 3)
    event_services.schedule_write(event=event)
    return event


def test_rsvp(client):
    attendance = AttendanceFactory(rsvp="", checked_in_at=None)
    url = reverse("events:rsvp", args=[attendance.event_id])
    fields = {"rsvp": st.sampled_from(["yes", "no"]), "intro": text(140)}

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, attendance.participant.user):
            before = values(attendance)
            response, diff = send(client, url, data, encoding, name="events: RSVP")
            assert response.status_code == 302
            form = RsvpForm(response.wsgi_request.POST, instance=copy(attendance))
            if not form.is_valid():
                assert not diff
                return
            only_changed(diff, {"events.attendance"})
            after = values(attendance)
            same_except(before, after, {"rsvp", "intro"})
            assert (after["rsvp"], after["intro"]) == (form.cleaned_data["rsvp"], form.cleaned_data["intro"])
            assert after["intro"] == response.wsgi_request.POST.get("intro", "").strip()

    fuzz()


def test_rate_the_people_met(client, event):
    rater = Seat.objects.filter(event=event, participant__role=Role.MENTOR).first().participant
    people = event_services.people_met(event, rater)
    url = reverse("events:rate", args=[event.pk])
    fields = {}
    for person in people:
        fields |= {f"score_{person.pk}": st.sampled_from(["", "1", "2", "3", "4", "5"]),
                   f"note_{person.pk}": text(1000), f"feedback_{person.pk}": text(2000)}  # fmt: skip

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, rater.user):
            response, diff = send(client, url, data, encoding, name="events: ratings and pitch feedback")
            posted = response.wsgi_request.POST
            form = RatingsForm(posted or None, rater=rater, people=people)
            unknown = [key for key in posted if key.startswith(("score_", "note_", "feedback_"))
                       and key not in form.fields]  # fmt: skip
            if unknown or not form.is_valid():
                assert response.status_code == 200
                assert not diff
                return
            assert response.status_code == 302
            only_changed(diff, {"events.rating", "events.pitchfeedback"})
            saved = {rated: (score, note) for rated, score, note in
                     Rating.objects.filter(rater=rater).values_list("rated_id", "score", "note")}  # fmt: skip
            assert saved == form.ratings()
            feedback = dict(PitchFeedback.objects.filter(mentor=rater).values_list("mentee_id", "text"))
            assert feedback == {pk: text for pk, text in form.feedback().items() if text}

    with time_machine.travel(event.ends_at, tick=False):
        fuzz()


def test_check_in(client, event):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_event"))
    attendance_ids = list(event.attendances.values_list("pk", flat=True))
    event.attendances.update(checked_in_at=None)
    url = reverse("events:check_in", args=[event.pk])
    fields = {"attendance": st.sampled_from(attendance_ids), "present": st.sampled_from(["1", "0"]), "q": text(80)}

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    @example(data={"attendance": "abc", "present": "1", "q": ""}, encoding="multipart")
    @example(data={"attendance": attendance_ids[0], "present": "1", "q": "a&b=c#d\r\n"}, encoding="multipart")
    @example(data={"attendance": attendance_ids[0], "present": "1", "q": "é" * 20_000}, encoding="multipart")
    def fuzz(data, encoding):
        with rolled_back(client, staff):
            response, diff = send(client, url, data, encoding, name="events: check-in")
            posted = response.wsgi_request.POST
            if response.status_code == 404:
                return
            assert is_redirect_to_site(response)
            only_changed(diff, {"events.attendance"})
            checked = set(event.attendances.filter(checked_in_at__isnull=False).values_list("pk", flat=True))
            assert checked == ({int(posted["attendance"])} if posted.get("present") == "1" else set())
            query = parse_qs(urlsplit(response["Location"]).query, keep_blank_values=True).get("q", [""])
            assert query == [posted.get("q", "").replace("\x00", "").strip()[:80]]  # the search, as it searches

    @FUZZ
    @given(query=hostile_scalar)
    @example(query="a\x00b")
    def search(query):
        with rolled_back(client, staff):
            TRIED["events: check-in search"] += 1
            response = client.get(url, {"q": query})
            assert response.status_code == 200

    fuzz()
    search()


# --- The mentorship period -----------------------------------------------------------------------


@pytest.fixture
def week_2():
    with time_machine.travel(WEDNESDAY_OF_WEEK_2, tick=False) as traveller:
        yield traveller


@pytest.fixture
def topics():
    return [Topic.objects.create(name_en=f"Topic {n}", name_fr=f"Sujet {n}") for n in range(3)]


def meeting_fields(topics) -> dict:
    return {
        "met": st.sampled_from(["True", "False"]),
        "met_on": st.sampled_from(["2027-03-08", "2027-03-09", "2027-03-10"]),
        "duration_minutes": st.integers(1, 600).map(str),
        "format": st.sampled_from(Format.values),
        "topics": st.lists(st.sampled_from([topic.pk for topic in topics]), unique=True),
        "shared_notes": text(4000),
        "private_note": text(4000),
        "not_met_reason": text(1000, min_size=1),
    }


def assert_log_saved(log: MeetingLog, form: MeetingLogForm, posted) -> None:
    data = form.cleaned_data
    log.refresh_from_db()
    assert log.met == data["met"]
    assert (log.shared_notes, log.private_note) == (data["shared_notes"], data["private_note"])
    assert log.shared_notes == posted.get("shared_notes", "").strip()
    assert log.private_note == posted.get("private_note", "").strip()
    topics = set(log.topics.values_list("pk", flat=True))
    if log.met:
        assert (log.met_on, log.duration_minutes, log.format) == (data["met_on"], data["duration_minutes"],
                                                                  data["format"])  # fmt: skip
        assert (log.not_met_reason, topics) == ("", {topic.pk for topic in data["topics"]})
    else:
        assert (log.met_on, log.duration_minutes, log.format, topics) == (None, None, "", set())
        assert log.not_met_reason == data["not_met_reason"] == posted["not_met_reason"].strip()


LOG_TABLES = {"meetings.meetinglog", "meetings.meetinglog_topics", "meetings.historicalmeetinglog"}


def test_log_a_week(client, week_2, topics):
    match = pair()
    url = reverse("meetings:log_week", args=[match.pk, 2])

    @FUZZ
    @given(data=form_data(meeting_fields(topics)), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, match.mentor.user):
            response, diff = send(client, url, data, encoding, name="meetings: log a week")
            posted = response.wsgi_request.POST
            form = MeetingLogForm(posted or None, week=WEEK_2, today=WEDNESDAY_OF_WEEK_2.date())
            if not form.is_valid():
                assert response.status_code == 200
                assert not diff
                return
            assert response.status_code == 302
            only_changed(diff, LOG_TABLES)
            assert_log_saved(MeetingLog.objects.get(match=match, week=WEEK_2), form, posted)

    fuzz()


def test_change_a_log(client, week_2, topics):
    log = MeetingLogFactory(week=WEEK_2, met_on=WEEK_2, mentee_response=MenteeResponse.CONFIRMED)
    log.topics.set(topics[:1])
    url = reverse("meetings:log_edit", args=[log.pk])

    @FUZZ
    @given(data=form_data(meeting_fields(topics)), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, log.match.mentor.user):
            response, diff = send(client, url, data, encoding, name="meetings: change a log")
            posted = response.wsgi_request.POST
            form = MeetingLogForm(posted or None, instance=copy(log), week=WEEK_2, today=WEDNESDAY_OF_WEEK_2.date())
            if not form.is_valid():
                assert response.status_code == 200
                assert not diff
                return
            assert response.status_code == 302
            only_changed(diff, LOG_TABLES)
            assert_log_saved(log, form, posted)
            assert (log.mentee_response, log.mentee_comment) == ("", "")  # asked again about what changed

    fuzz()


def test_the_mentee_answers_a_log(client, week_2):
    log = MeetingLogFactory(week=WEEK_2, met_on=WEEK_2)
    url = reverse("meetings:log_respond", args=[log.pk])
    fields = {"response": st.sampled_from(MenteeResponse.values), "comment": text(500)}

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, log.match.mentee.user):
            response, diff = send(client, url, data, encoding, name="meetings: the mentee's answer")
            assert response.status_code == 302
            posted = response.wsgi_request.POST
            form = MenteeResponseForm(posted)
            if not form.is_valid():
                assert not diff
                return
            only_changed(diff, {"meetings.meetinglog", "meetings.historicalmeetinglog"})
            log.refresh_from_db()
            assert (log.mentee_response, log.mentee_comment) == (form.cleaned_data["response"],
                                                                 posted.get("comment", "").strip())  # fmt: skip

    fuzz()


def test_pause_my_reminders_link(client, week_2):
    mentor = ParticipantFactory(role=Role.MENTOR, cohort=mentorship_cohort())
    good = signing.dumps([mentor.user_id, WEEK_2.isoformat()], salt=PAUSE_SALT)
    tokens = (
        st.just(good)
        | hostile_scalar.filter(bool)
        | st.builds(lambda t: good[:-1] + t, st.text(CHARACTERS, max_size=3))
    )

    @FUZZ
    @given(token=tokens, data=form_data({}), encoding=encodings)
    def fuzz(token, data, encoding):
        with rolled_back(client, mentor.user):
            url = "/mentoring/pause/" + quote(token, safe="") + "/"
            response, diff = send(client, url, data, encoding, name="meetings: pause-my-reminders link")
            if token != good:
                assert response.status_code in (400, 404)
                return
            assert is_redirect_to_site(response)
            only_changed(diff, {"meetings.reminderpause"})
            assert list(ReminderPause.objects.values_list("user", "week")) == [(mentor.user_id, WEEK_2)]

    fuzz()


# --- Outcomes and surveys ----------------------------------------------------------------------------


def test_report_an_outcome(client):
    participant = ParticipantFactory()
    url = reverse("reports:outcomes")
    fields = {
        "participant": st.just(str(participant.pk)),
        "kind": st.sampled_from(CareerOutcome.Kind.values),
        "happened_on": st.dates(dt.date(2000, 1, 1), dt.date.today() - dt.timedelta(days=1)).map(str),
        "note": text(500),
    }

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, participant.user):
            response, diff = send(client, url, data, encoding, name="reports: an outcome")
            posted = response.wsgi_request.POST
            form = OutcomeForm(posted, user=participant.user, participations=participations_of(participant.user))
            if not form.is_valid():
                assert response.status_code == 200
                return
            assert response.status_code == 302
            only_changed(diff, {"reports.outcome"})
            outcome = CareerOutcome.objects.get()
            assert (outcome.kind, outcome.happened_on, outcome.note) == (
                form.cleaned_data["kind"],
                form.cleaned_data["happened_on"],
                posted.get("note", "").strip(),
            )

    fuzz()


def test_answer_a_survey(client):
    participant = ParticipantFactory()
    now = django_timezone.now()
    invitation = SurveyInvitation.objects.create(
        participant=participant,
        kind=SurveyInvitation.Kind.END_OF_PROGRAM,
        sent_at=now,
        closes_at=now + dt.timedelta(days=28),
    )
    url = reverse("reports:survey", args=[invitation.pk])
    fields = {"recommend": st.integers(0, 10).map(str), "helped": text(2000), "change": text(2000)}
    fields |= {
        f"confidence_{statement.pk}": st.sampled_from(["1", "2", "3", "4", "5"])
        for statement in ConfidenceStatement.objects.filter(active=True)
    }

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, participant.user):
            response, diff = send(client, url, data, encoding, name="reports: a survey")
            posted = response.wsgi_request.POST
            form = SurveyForm(posted)
            if not form.is_valid():
                assert response.status_code == 200
                return
            assert response.status_code == 302
            only_changed(diff, {"reports.surveyresponse", "reports.surveyrating"})
            saved = SurveyResponse.objects.get(invitation=invitation)
            assert (saved.recommend, saved.helped, saved.change) == (
                form.cleaned_data["recommend"],
                posted.get("helped", "").strip(),
                posted.get("change", "").strip(),
            )
            ratings = dict(SurveyRating.objects.values_list("statement", "rating"))
            assert ratings == {
                statement.pk: form.cleaned_data[f"confidence_{statement.pk}"] for statement in form.statements
            }

    fuzz()


# --- Matching (staff pages of the admin) ---------------------------------------------------------


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def matching_cohort():
    cohort = CohortFactory()
    for _ in range(2):
        ParticipantFactory(cohort=cohort, role=Role.MENTEE)
        ParticipantFactory(cohort=cohort, role=Role.MENTOR, mentee_capacity=1)
    return cohort


def test_run_matching_with_weights(client, staff, matching_cohort):
    url = reverse("admin:matching_run", args=[matching_cohort.pk])
    weight = st.floats(0, 100).map(str) | st.integers(0, 100).map(str)
    fields = {"mode": st.sampled_from(Mode.values), **{f"weight_{name}": weight for name in DEFAULT_WEIGHTS}}

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    def fuzz(data, encoding):
        with rolled_back(client, staff):
            runs = set(MatchRun.objects.values_list("pk", flat=True))
            response, diff = send(client, url, data, encoding, name="matching: run with weights")
            form = RunForm(response.wsgi_request.POST or None)
            if not form.is_valid():
                assert not diff
                return
            assert response.status_code == 302
            only_changed(diff, {"matching.matchrun", "matching.match", "matching.historicalmatch"})
            run = MatchRun.objects.exclude(pk__in=runs).get()
            assert (run.cohort_id, run.mode, run.weights) == (matching_cohort.pk, form.cleaned_data["mode"],
                                                              form.weights())  # fmt: skip
            assert run.matches.count() == 2

    fuzz()


def test_swap_and_end_pairs_actions(client, staff, matching_cohort):
    run = matching_services.match_run_create(cohort=matching_cohort, mode="best", weights=None, by=staff)
    ids = list(run.matches.values_list("pk", flat=True))
    url = reverse("admin:matching_match_changelist")
    fields = {
        "action": st.sampled_from(["swap", "end"]),
        "_selected_action": st.lists(st.sampled_from(ids), unique=True, min_size=1),
        "index": st.just("0"),
    }

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    @example(data={"action": "swap", "_selected_action": ["abc", "1\x00"], "index": "0"}, encoding="multipart")
    @example(data={"action": "swap", "_selected_action": ids, "index": "x"}, encoding="multipart")
    def fuzz(data, encoding):
        with rolled_back(client, staff):
            response, diff = send(client, url, data, encoding, name="matching: swap and end actions")
            if response.status_code in (200, 400):  # the list shown again; a ticked "row" that is no id
                return
            assert response.status_code == 302
            only_changed(diff, {"matching.pairrule", "matching.match", "matching.historicalmatch"})
            pins = PairRule.objects.filter(kind="pin").count()
            ended = Match.objects.filter(status=Match.Status.ENDED).count()
            assert (pins, ended) in {(0, 0), (2, 0), (0, 1), (0, 2)}

    fuzz()


def test_add_a_pair_to_a_published_run(client, staff, matching_cohort):
    run = matching_services.match_run_create(cohort=matching_cohort, mode="best", weights=None, by=staff)
    matching_services.match_run_publish(run=run, by=staff)
    ended = run.matches.first()
    matching_services.match_end(match=ended, by=staff)
    newcomer = ParticipantFactory(cohort=matching_cohort, role=Role.MENTEE)
    url = reverse("admin:matching_match_add")
    people = list(matching_cohort.participants.values_list("pk", flat=True))
    fields = {
        "run": st.just(run.pk),
        "mentee": st.sampled_from([newcomer.pk, *people]),
        "mentor": st.sampled_from(people),
        "_save": st.just("Save"),
    }

    @FUZZ
    @given(data=form_data(fields), encoding=encodings)
    @example(data={"run": run.pk, "mentee": newcomer.pk, "mentor": ended.mentor_id, "_save": "Save"},
             encoding="multipart")  # fmt: skip
    def fuzz(data, encoding):
        with rolled_back(client, staff):
            matches = set(Match.objects.values_list("pk", flat=True))
            response, diff = send(client, url, data, encoding, name="matching: add a pair")
            if not diff:
                return
            assert response.status_code == 302
            only_changed(diff, {"matching.match", "matching.historicalmatch", "admin.logentry"})
            added = Match.objects.exclude(pk__in=matches).get()
            posted = response.wsgi_request.POST
            assert (added.run_id, added.mentee_id, added.mentor_id) == (int(posted["run"]), int(posted["mentee"]),
                                                                        int(posted["mentor"]))  # fmt: skip

    fuzz()


# --- The admin's add and change forms --------------------------------------------------------------


def _cohort_page():
    cohort = CohortFactory()
    SessionFactory(cohort=cohort, number=1)
    return cohort, {"cohorts.cohort", "cohorts.session"}


def _application_page():
    RubricCriterionFactory.create_batch(2)
    application = ApplicationFactory()
    ReviewFactory(application=application)  # another reviewer's review: shown, never changed
    return application, {"applications.review", "applications.historicalreview"}


def _event_page():
    attendance = AttendanceFactory()
    return attendance.event, {"events.event", "events.attendance"}


def _pair_rule_page():
    cohort = CohortFactory()
    mentee = ParticipantFactory(cohort=cohort, role=Role.MENTEE)
    mentor = ParticipantFactory(cohort=cohort, role=Role.MENTOR)
    ids = st.sampled_from([mentee.pk, mentor.pk]).map(str)  # raw id inputs: the page lists no choices
    return PairRule, {"matching.pairrule"}, {"mentee": ids, "mentor": ids}


def _pair_page():
    return Pair.objects.get(pk=pair().pk), {"matching.match", "matching.historicalmatch"}


def _meeting_log_page():
    log = MeetingLogFactory()
    Topic.objects.create(name_en="Networking", name_fr="Réseautage")
    return log, {"meetings.meetinglog", "meetings.meetinglog_topics", "meetings.historicalmeetinglog"}


class QuestionList:
    """The question list, whose positions and "required" boxes are edited in place (list_editable)."""


def _question_list_page():
    QuestionFactory.create_batch(2)
    return QuestionList, {"applications.question"}


def _user_page():
    return UserFactory(), {"accounts.user", "accounts.user_groups", "accounts.user_user_permissions"}


# Each page: what it edits (an object: its change form; a model: its add form) and the tables it may write.
ADMIN_PAGES = {
    "cohort (with its sessions)": _cohort_page,
    "program": lambda: (ProgramFactory(), {"cohorts.program"}),
    "participant": lambda: (ParticipantFactory(role=Role.MENTOR, mentee_capacity=2), {"cohorts.participant"}),
    "new question": lambda: (CohortFactory() and Question, {"applications.question"}),
    "questions list (editable positions)": _question_list_page,
    "application (the reviewer's review)": _application_page,
    "new tag": lambda: (Tag, {"applications.tag"}),
    "event (with its check-ins)": _event_page,
    "new pair rule": _pair_rule_page,
    "pair (extra weeks)": _pair_page,
    "meeting log": _meeting_log_page,
    "new topic": lambda: (Topic, {"meetings.topic"}),
    "person": _user_page,
}


def admin_page(target) -> tuple[str, str]:
    """The URL of the page and the id of its form."""
    if target is QuestionList:
        return reverse("admin:applications_question_changelist"), "changelist-form"
    if isinstance(target, type):
        meta = target._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_add"), f"{meta.model_name}_form"
    meta = target._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[target.pk]), f"{meta.model_name}_form"


def text_columns(model) -> set[str]:
    return {field.name for field in model._meta.concrete_fields
            if isinstance(field, CharField | TextField) and not field.choices and field.name != "password"}  # fmt: skip


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_forms(client, staff, page):
    target, tables, *hints = ADMIN_PAGES[page]()
    tables |= {"admin.logentry"}
    url, form_id = admin_page(target)
    client.force_login(staff)
    shown = client.get(url)
    assert shown.status_code == 200
    fields = page_form(shown.content.decode(), form_id)
    submit = {"_save": "Save"}
    submit_strategy = {"_save": st.just("Save")}
    untouched = page_values(fields) | submit
    model = Question if target is QuestionList else target if isinstance(target, type) else type(target)
    candidates = [
        name
        for name, field in fields.items()
        if field["type"] in ("text", "textarea", "number")
        and not field.get("class", "").startswith(("vForeignKeyRawId", "vDate", "vTime", "vURL"))
        and not name.endswith(("_0", "_1", "slug"))
        and "__prefix__" not in name
    ]
    editable = min(candidates, key=lambda name: fields[name]["type"] == "number")  # text first
    edited = untouched | {editable: "1" if fields[editable]["type"] == "number" else "Edited <b>by</b> the fuzz"}

    @FUZZ_ADMIN
    @given(data=form_data(page_strategies(fields, text) | submit_strategy | (hints[0] if hints else {})),
           encoding=encodings)  # fmt: skip
    @example(data=untouched, encoding="multipart")
    @example(data=edited, encoding="urlencoded")
    def fuzz(data, encoding):
        with rolled_back(client, staff):
            rows = set(model._base_manager.values_list("pk", flat=True))
            response, diff = send(client, url, data, encoding, name=f"admin: {page}")
            if data in (untouched, edited) and (target is QuestionList or not isinstance(target, type)):
                assert response.status_code == 302, "the page as shown, posted back, must save"
                if data == edited:
                    assert diff, "a value changed on the page must be saved"
            if response.status_code != 302:
                return
            only_changed(diff, tables)
            posted = response.wsgi_request.POST
            if target is QuestionList:
                return
            if isinstance(target, type):  # an add form: the new row
                saved = model._base_manager.exclude(pk__in=rows).values().get()
                names = text_columns(model)
            else:
                saved = values(target)
                names = text_columns(model)
            for name in names & set(posted):
                assert saved[name] == posted[name].strip(), name

    fuzz()


# --- What the fuzzing found, kept as plain tests ---------------------------------------------------------


def test_a_cohort_refused_for_its_time_zone_is_shown_again_with_the_error(client, staff):
    cohort = CohortFactory()
    url = reverse("admin:cohorts_cohort_change", args=[cohort.pk])
    client.force_login(staff)
    data = page_values(page_form(client.get(url).content.decode(), "cohort_form"))

    response = client.post(url, data | {"time_zone": "0", "_save": "Save"})

    assert response.status_code == 200
    assert "is not a known time zone" in response.content.decode()


@pytest.mark.parametrize("admin_url", ["admin:matching_match_changelist", "admin:auth_group_changelist"])
def test_an_action_on_rows_that_are_no_ids_is_a_bad_request(client, staff, admin_url):
    client.force_login(staff)

    response = client.post(reverse(admin_url), {"action": "delete_selected", "_selected_action": ["1", "x"]})

    assert response.status_code == 400
