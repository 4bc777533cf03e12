"""The machinery of the authorization matrix test (mentorship/tests/test_authorization_matrix.py).

- ``url_patterns()`` lists every URL pattern of the project, admin and allauth included, by walking the
  resolver; each has a key: ``namespace:name`` when named, else its full route.
- ``build_world()`` makes the people of the matrix (one per role) and the objects they ask for: everything
  belongs to the mentee and mentor of cohort A, so every other role asks for someone else's.
- ``Case`` is one request (a path, a method) and the answer expected for each role; ``run()`` sends every
  case as every role and returns the differences, which ``mismatch_table()`` prints in one table.

Answers are compact codes: ``200``, ``400``, ``403``, ``404``, ``405``, ``login`` (a redirect to a login page)
and ``redirect`` (a redirect anywhere else); ``500`` means the view raised.
"""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.sites.models import Site
from django.core import signing
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule

from accounts.tests.factories import StaffFactory, UserFactory
from applications.models import Application
from applications.tests.factories import (
    ApplicationFactory,
    ConfidenceStatementFactory,
    MentorApplicationFactory,
    OutreachChannelFactory,
    QuestionFactory,
    RubricCriterionFactory,
    SelfIdentificationFactory,
    TagFactory,
)
from cohorts.calendar import feed_token
from cohorts.models import Role
from cohorts.tests.factories import CohortFactory, ParticipantFactory
from events.models import Attendance, PitchFeedback, Rating, Seat
from events.tests.factories import EventFactory
from matching.models import PairRule
from meetings.links import LOG_SALT, PAUSE_SALT
from meetings.models import AtRiskAlert, Reminder, ReminderPause, StaffDigest, Topic
from meetings.periods import week_start
from meetings.tests.factories import MeetingLogFactory, mentorship_cohort, pair, published_run
from reports.models import Outcome as CareerOutcome  # matrix.Outcome is an answer of the matrix
from reports.models import SurveyInvitation

ROLES = ("anonymous", "applicant", "mentee", "mentor", "mentor_b", "staff", "staff_identity")
HEADINGS = ("anon", "applicant", "mentee", "mentor", "mentor B", "staff", "staff+id")
NOT_STAFF = ROLES[:5]
CODES = {"200", "400", "403", "404", "405", "login", "redirect", "500"}
IDENTITY_GROUP = "Identity data"
# What an application's self-identification says in the matrix (answers chosen so that their labels are
# distinctive words of the page): a page shows identity data when one of these is on it.
IDENTITY_ANSWERS = {"gender": ["two_spirit"], "trans": "yes"}
IDENTITY_WORDS = ("Two-Spirit", "How do you describe your gender?")
OUTCOME_NOTE = "Offer from a bakery co-op."  # mentee A's outcome: on their page only


# --- URL patterns ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route of an unnamed pattern
    route: str
    name: str | None
    callback: Callable


def url_patterns(resolver: URLResolver | None = None) -> list[Pattern]:
    """Every URL pattern the project answers, in the order the resolver tries them."""
    found: list[Pattern] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                key = route
                if entry.name:
                    key = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append(Pattern(key=key, route=route, name=entry.name, callback=entry.callback))

    walk((resolver or get_resolver()).url_patterns, "", None)
    return found


def pattern_of(path: str, patterns: list[Pattern]) -> Pattern | None:
    """The pattern that answers ``path`` (the resolver's choice), or None for a 404 of the resolver."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    for candidate in patterns:
        if candidate.name and match.view_name == candidate.key:
            return candidate
        if not candidate.name and match.url_name is None and match.func is candidate.callback:
            return candidate
    return None


# --- The world: the people and the objects they ask for ------------------------------------------------


@dataclass
class World:
    users: dict[str, object]
    objects: dict[str, object] = field(default_factory=dict)  # named objects of cohort A (and a few others)
    admin_objects: dict[type, object] = field(default_factory=dict)  # one object per admin-registered model

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


# Permissions to see more of people than the work needs, given one by one (or by a group): staff hold them
# only in the staff+identity role.
SENSITIVE_PERMISSIONS = {("applications", "view_identity"), ("meetings", "view_private_note")}
PRIVATE_NOTE = "Private: talked about a hard week."


def project_permissions():
    """Every permission of the project's own apps (and of the task schedule staff manage) but the
    SENSITIVE_PERMISSIONS: what program staff normally hold."""
    base = Path(settings.BASE_DIR).resolve()
    labels = [
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and "site-packages" not in Path(config.path).parts
    ]
    permissions = Permission.objects.filter(content_type__app_label__in=[*labels, "django_celery_beat"])
    for app_label, codename in SENSITIVE_PERMISSIONS:
        permissions = permissions.exclude(content_type__app_label=app_label, codename=codename)
    return permissions


def build_world() -> World:
    now = timezone.now()
    today = timezone.localdate()
    # Cohort A and B: their 10 weeks are over and their mentorship period began three weeks ago.
    period_start = week_start(today) - dt.timedelta(weeks=3)
    cohort_a = mentorship_cohort(starts_on=period_start)
    cohort_b = mentorship_cohort(starts_on=period_start)
    open_cohort = CohortFactory()  # taking applications now

    # The applicant: a draft to the open cohort, with self-identification answers.
    applicant = UserFactory(preferred_name="Applicant Ada")
    applicant_application = ApplicationFactory(
        cohort=open_cohort, user=applicant, status=Application.Status.DRAFT, submitted_at=None
    )
    SelfIdentificationFactory(application=applicant_application, answers=IDENTITY_ANSWERS)
    # An address of the applicant's not confirmed yet: its confirmation key is someone else's.
    unconfirmed = EmailAddress.objects.create(user=applicant, email="ada.other@example.org", verified=False)

    # Cohort A: a mentee and a mentor, accepted, paired, with a logged week, an event, seats and ratings.
    mentee_user = UserFactory(preferred_name="Mentee Mo")
    mentor_user = UserFactory(preferred_name="Mentor Mia")
    mentee_application = ApplicationFactory(cohort=cohort_a, user=mentee_user, status=Application.Status.ACCEPTED)
    SelfIdentificationFactory(application=mentee_application, answers=IDENTITY_ANSWERS)
    mentor_application = MentorApplicationFactory(cohort=cohort_a, user=mentor_user, status=Application.Status.ACCEPTED)
    mentee = ParticipantFactory(cohort=cohort_a, user=mentee_user, role=Role.MENTEE, application=mentee_application)
    mentor = ParticipantFactory(
        cohort=cohort_a, user=mentor_user, role=Role.MENTOR, mentee_capacity=2, application=mentor_application
    )
    pair_a = pair(cohort_a, mentor=mentor, mentee=mentee)
    log_a = MeetingLogFactory(match=pair_a, week=period_start, private_note=PRIVATE_NOTE)
    event_a = EventFactory(
        cohort=cohort_a, starts_at=now - dt.timedelta(hours=2), ratings_close_at=now + dt.timedelta(days=7)
    )
    attendance_a = Attendance.objects.create(event=event_a, participant=mentee, rsvp="yes", checked_in_at=now)
    Attendance.objects.create(event=event_a, participant=mentor, rsvp="yes", checked_in_at=now)
    Seat.objects.create(event=event_a, round=1, table=1, participant=mentee)
    Seat.objects.create(event=event_a, round=1, table=1, participant=mentor)
    Rating.objects.create(event=event_a, rater=mentee, rated=mentor, score=5, note="Would love to.")
    Rating.objects.create(event=event_a, rater=mentor, rated=mentee, score=4)
    PitchFeedback.objects.create(event=event_a, mentor=mentor, mentee=mentee, text="Slow down a little.")
    # Mentee A's outcomes: one for the admin's pages, one for the matrix to delete.
    outcome_a = CareerOutcome.objects.create(
        participant=mentee, kind=CareerOutcome.Kind.OFFER, happened_on=today, note=OUTCOME_NOTE, reported_by=mentee_user
    )
    outcome_to_delete = CareerOutcome.objects.create(
        participant=mentee, kind=CareerOutcome.Kind.INTERVIEW, happened_on=today
    )

    # Cohort B: a mentor with a pair, a log and an event of their own.
    # Mentee A's end-of-program survey, still open.
    survey_a = SurveyInvitation.objects.create(
        participant=mentee,
        kind=SurveyInvitation.Kind.END_OF_PROGRAM,
        sent_at=now,
        closes_at=now + dt.timedelta(days=28),
    )
    mentor_b_user = UserFactory(preferred_name="Mentor Bo")
    mentor_b = ParticipantFactory(cohort=cohort_b, user=mentor_b_user, role=Role.MENTOR, mentee_capacity=2)
    MeetingLogFactory(match=pair(cohort_b, mentor=mentor_b), week=period_start)
    event_b = EventFactory(cohort=cohort_b, starts_at=now - dt.timedelta(hours=2))
    Attendance.objects.create(event=event_b, participant=mentor_b, rsvp="yes", checked_in_at=now)

    # Staff: what program staff normally hold; the second is also in the "Identity data" group and may read
    # the mentors' private notes.
    permissions = list(project_permissions())
    staff = StaffFactory(is_superuser=False, preferred_name="Staff Sol")
    staff.user_permissions.set(permissions)
    staff_identity = StaffFactory(is_superuser=False, preferred_name="Staff Ide")
    staff_identity.user_permissions.set(
        [*permissions, Permission.objects.get(content_type__app_label="meetings", codename="view_private_note")]
    )
    group, _created = Group.objects.get_or_create(name=IDENTITY_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="applications", codename="view_identity"))
    staff_identity.groups.add(group)

    # One object of each list staff manage, owned by cohort A where it can be.
    run_a = published_run(cohort_a)
    digest = StaffDigest.objects.create(on=today)
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    objects = {
        "cohort_a": cohort_a,
        "open_cohort": open_cohort,
        "applicant_application": applicant_application,
        "unconfirmed": unconfirmed,
        "mentee_application": mentee_application,
        "pair_a": pair_a,
        "log_a": log_a,
        "event_a": event_a,
        # Signed links of mentor A's reminder email (for week 2, not logged yet) and a calendar feed.
        "log_token": signing.dumps(
            [mentor_user.pk, pair_a.pk, (period_start + dt.timedelta(weeks=1)).isoformat()], salt=LOG_SALT
        ),
        "pause_token": signing.dumps(
            [mentor_user.pk, (week_start(today) + dt.timedelta(weeks=1)).isoformat()], salt=PAUSE_SALT
        ),
        "calendar_token": feed_token(mentee),
        "outcome_a": outcome_a,
        "outcome_to_delete": outcome_to_delete,
        "survey_a": survey_a,
    }
    others = [
        survey_a,
        cohort_a.program,
        cohort_a,
        mentee,
        mentee_application,
        mentee_user,
        event_a,
        attendance_a,
        run_a,
        pair_a,
        log_a,
        outcome_a,
        PairRule.objects.create(cohort=cohort_a, mentee=mentee, mentor=mentor, kind=PairRule.Kind.choices[0][0]),
        Topic.objects.create(name_en="Interviews", name_fr="Entrevues"),
        Reminder.objects.create(user=mentor_user, kind=Reminder.Kind.CHECKIN, on=period_start),
        ReminderPause.objects.create(user=mentor_user, week=week_start(today)),
        AtRiskAlert.objects.create(match=pair_a, missing_since=period_start, digest=digest),
        digest,
        TagFactory(),
        OutreachChannelFactory(),
        ConfidenceStatementFactory(),
        RubricCriterionFactory(),
        QuestionFactory(cohort=cohort_a),
        group,
        Site.objects.get_current(),
        EmailAddress.objects.get(user=mentee_user),
        interval,
        CrontabSchedule.objects.create(minute="0", hour="9"),
        SolarSchedule.objects.create(event="sunrise", latitude=45.5, longitude=-73.6),
        ClockedSchedule.objects.create(clocked_time=now),
        PeriodicTask.objects.create(name="matrix task", task="mentorship.tasks.noop", interval=interval),
    ]
    world = World(
        users={
            "anonymous": None,
            "applicant": applicant,
            "mentee": mentee_user,
            "mentor": mentor_user,
            "mentor_b": mentor_b_user,
            "staff": staff,
            "staff_identity": staff_identity,
        },
        objects=objects,
    )
    # A model admin without an object here gets the first of its model (None fails the test: add one above).
    chosen = {type(obj): obj for obj in others}
    for model in admin.site._registry:
        obj = chosen.get(model)
        concrete = chosen.get(model._meta.concrete_model)
        if obj is None and model._meta.proxy and concrete is not None:
            obj = model._default_manager.filter(pk=concrete.pk).first()  # the pair-health board's pair A
        world.admin_objects[model] = obj or model._default_manager.order_by("pk").first()
    return world


# --- Cases and their answers ------------------------------------------------------------------------------

Expected = str | Callable[[str, World], str]


def row(codes: str) -> dict[str, str]:
    """``"login 404 200 200 404 404 404"``: the answers for ROLES, in their order."""
    values = codes.split()
    assert len(values) == len(ROLES), f"{codes!r}: {len(ROLES)} answers needed, one per role"
    assert set(values) <= CODES, f"{codes!r}: unknown answer {set(values) - CODES}"
    return dict(zip(ROLES, values, strict=True))


@dataclass
class Case:
    """One request, and what each role gets.

    ``path``: the path, or a function of the world; ``expected``: a row of codes (see ``row``) or a
    function (role, world) -> code; ``check``: a function (role, response, world) -> a problem or None,
    called for answers of 200 (what the page must or must not show); ``fresh``: the request is made on a
    new session of the role (for a logout)."""

    path: str | Callable[[World], str]
    expected: Expected
    method: str = "get"
    data: dict | Callable[[World], dict] | None = None
    variant: str = ""
    check: Callable | None = None
    fresh: bool = False

    def url(self, world: World) -> str:
        return self.path(world) if callable(self.path) else self.path

    def payload(self, world: World) -> dict:
        return (self.data(world) if callable(self.data) else self.data) or {}

    def expect(self, role: str, world: World) -> str:
        if callable(self.expected):
            return self.expected(role, world)
        return row(self.expected)[role]


def login_paths() -> set[str]:
    return {reverse("account_login"), reverse("admin:login"), urlsplit(settings.LOGIN_URL).path}


def answer_of(response, logins: set[str]) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        return "login" if urlsplit(response["Location"]).path in logins else "redirect"
    return str(response.status_code)


def client_for(role: str, world: World) -> Client:
    # A view that raises answers 500 here, as in production, rather than stopping the whole matrix.
    client = Client(raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def session_key(client: Client) -> str:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else ""


def session_ended(client: Client, key: str) -> bool:
    """Whether the client's session is no longer its signed-in one (read only when its cookie changed)."""
    return session_key(client) != key and "_auth_user_id" not in client.session


@dataclass
class Outcome:
    key: str
    variant: str
    role: str
    path: str
    expected: str
    got: str
    note: str = ""


@dataclass
class Result:
    mismatches: list[Outcome] = field(default_factory=list)
    grid: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # (pattern, variant, answers)
    requests: int = 0
    seconds: float = 0.0


def run(cases: list[tuple[str, Case]], world: World) -> Result:
    """Sends every case as every role: the answers, and those that differ from the expected ones."""
    clients = {role: client_for(role, world) for role in ROLES}
    sessions = {role: session_key(client) for role, client in clients.items()}
    logins = login_paths()
    result = Result()
    started = time.monotonic()
    for key, case in cases:
        path = case.url(world)
        answers = {}
        for role in ROLES:
            client = client_for(role, world) if case.fresh else clients[role]
            response = getattr(client, case.method)(path, case.payload(world))
            result.requests += 1
            if not case.fresh and world.users[role] is not None and session_ended(client, sessions[role]):
                # A case that ends the session would change every later answer of the role: it must be fresh.
                raise AssertionError(f"{key} {case.variant} logged {role} out: give its case fresh=True")
            got = answer_of(response, logins)
            expected = case.expect(role, world)
            note = ""
            if got == "500" and response.exc_info:
                note = repr(response.exc_info[1])[:120]
            elif got != expected and got in ("login", "redirect"):
                note = "-> " + response["Location"][:100]
            elif got == expected == "200" and case.check:
                problem = case.check(role, response, world)
                if problem:
                    got, note = "200!", problem
            answers[role] = got
            if got != expected:
                result.mismatches.append(Outcome(key, case.variant, role, path, expected, got, note))
        result.grid.append((key, case.variant, answers))
    result.seconds = time.monotonic() - started
    return result


def grid_table(grid) -> str:
    """Every answer: one line per case, one column per role (``200!``: a page showed what it must not)."""
    labels = [f"{key} [{variant}]" if variant else key for key, variant, _answers in grid]
    width = max(len(label) for label in [*labels, "pattern"])
    lines = ["pattern".ljust(width) + "  " + "  ".join(heading.ljust(9) for heading in HEADINGS)]
    for label, (_key, _variant, answers) in zip(labels, grid, strict=True):
        lines.append(label.ljust(width) + "  " + "  ".join(answers[role].ljust(9) for role in ROLES))
    return "\n".join(lines)


def mismatch_table(mismatches: list[Outcome]) -> str:
    rows = [("pattern", "variant", "role", "path", "expected", "got", "note")]
    rows += [(m.key, m.variant, m.role, m.path, m.expected, m.got, m.note) for m in mismatches]
    widths = [min(max(len(r[i]) for r in rows), 60) for i in range(len(rows[0]) - 1)]
    lines = []
    for values in rows:
        cells = [value[:60].ljust(width) for value, width in zip(values, widths, strict=False)]
        lines.append("  ".join([*cells, values[-1]]))
    return "\n".join(lines)
