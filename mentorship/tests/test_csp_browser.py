"""The Content Security Policy in a real browser: the site's pages, allauth's and the admin's break none of it.

Chromium opens each page and the test fails on any violation of the policy (a script, a style element or
a style attribute the browser refused) and on any JavaScript error, so a template that brings back an
inline script or style is caught here. The cohort is built around today (the browser and the live server
run in real time): its mentorship period began two Mondays before this week.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from applications.tests.factories import ApplicationFactory, QuestionFactory, SelfIdentificationFactory
from cohorts.models import Role
from cohorts.tests.factories import CohortFactory, SessionFactory
from events.tests.factories import AttendanceFactory, EventFactory, mentees, mentors
from matching.models import MatchRun
from meetings.periods import week_start
from meetings.tests.factories import MeetingLogFactory, mentorship_cohort, pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

# Registered before any script of the page runs (and outside its policy): every violation the browser
# reports to the page, inline styles included, comes back to the test.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || "page"}:${event.lineNumber}) ${event.sample || ""}`);
}, true);
"""


@dataclass
class Watched:
    """A browser page whose violations of the policy and JavaScript errors are collected, per address."""

    page: object
    live_server_url: str
    problems: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.expose_function("reportViolation", lambda text: self.problems.append(f"{self.where()}: {text}"))
        self.page.add_init_script(REPORT_VIOLATIONS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"{self.where()}: JavaScript error: {error}"))

    def where(self) -> str:
        return self.page.url.removeprefix(self.live_server_url)

    def _console(self, message) -> None:
        if message.location.get("url", "").endswith("/favicon.ico"):
            return  # the browser asks for one on its own; the site has none
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"{self.where()}: console {message.type}: {message.text}")

    def log_in(self, user) -> None:
        """Signed in as ``user`` through a session cookie: no login form, so no second-factor code for staff."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.live_server_url}]
        )

    def visit(self, path: str, *, expect: str | None = None) -> None:
        """Open the page, let its deferred scripts run, and check that it answered (at ``expect`` when the
        page sends the browser on elsewhere)."""
        response = self.page.goto(path)
        self.page.wait_for_load_state("load")
        self.page.evaluate("new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)))")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        if expect is not None:
            assert self.where().startswith(expect), f"{path} went to {self.where()}, not {expect}"
        else:
            assert self.where().split("#")[0] == path, f"{path} went to {self.where()}"
        directives = [part.strip() for part in response.headers.get("content-security-policy", "").split(";")]
        assert "script-src 'self'" in directives, f"{path}: not under the policy"

    def assert_clean(self, name: str) -> None:
        if self.problems:
            SHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SHOTS / f"csp-{name}.png"), full_page=True)
        assert self.problems == [], "\n".join(self.problems)


@pytest.fixture
def watched(browser_page, live_server):
    def open_page(**kwargs) -> Watched:
        return Watched(browser_page(**kwargs), live_server.url)

    return open_page


def test_public_pages_and_the_sign_in_pages_keep_the_policy(watched):
    cohort = CohortFactory()
    SessionFactory(cohort=cohort, number=1)
    staff = StaffFactory()
    browser = watched()

    for path in ["/", "/programs/", f"/programs/{cohort.program.slug}/", f"/cohorts/{cohort.slug}/",
                 "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:  # fmt: skip
        browser.visit(path)
    # A sign-up shown again with its errors (the browser's own checks off, so that the server answers)...
    browser.visit("/accounts/signup/")
    browser.page.locator("#id_email").fill("not an address")
    browser.page.locator("form[method=post]").last.evaluate("form => { form.noValidate = true; }")
    browser.page.locator("form[method=post] [type=submit]").last.click()
    browser.page.wait_for_load_state("load")
    assert browser.page.locator(".is-invalid").count() > 0
    # ... and staff's second step at login, the code of their authenticator app.
    browser.visit("/accounts/login/")
    browser.page.locator("#id_login").fill(staff.email)
    browser.page.locator("#id_password").fill(PASSWORD)
    browser.page.get_by_role("button", name="Sign In").click()
    browser.page.wait_for_url("**/accounts/2fa/authenticate/")

    browser.assert_clean("public")


def test_an_applicant_and_a_pair_see_their_pages_within_the_policy(watched):
    # An applicant, with a question to answer and self-identification given.
    open_cohort = CohortFactory()
    QuestionFactory(cohort=open_cohort, role=Role.MENTEE)
    applicant = UserFactory()
    application = ApplicationFactory(cohort=open_cohort, user=applicant, role=Role.MENTOR, status="draft",
                                     submitted_at=None)  # fmt: skip
    SelfIdentificationFactory(application=application)
    # A pair in week 3 of its mentorship period, a week logged, and a speed-networking event of the cohort.
    this_week = week_start(timezone.localdate())
    cohort = mentorship_cohort(starts_on=this_week - dt.timedelta(weeks=2))
    match = pair(cohort)
    log = MeetingLogFactory(match=match, private_note="Thinking of changing jobs.")
    event = EventFactory(cohort=cohort)
    AttendanceFactory(event=event, participant=match.mentee)
    mentors(event, 2)
    mentees(event, 1)

    browser = watched()
    browser.log_in(applicant)
    browser.visit(f"/cohorts/{open_cohort.slug}/apply/mentee/")
    for path in ["/applications/", f"/applications/{application.pk}/", f"/applications/{application.pk}/edit/",
                 f"/applications/{application.pk}/identity/", "/me/", "/accounts/email/",
                 "/accounts/password/change/"]:  # fmt: skip
        browser.visit(path)
    # A new address waiting for its confirmation: the e-mail page has more to show.
    EmailAddress.objects.create(user=applicant, email="new-address@example.org", verified=False, primary=False)
    browser.visit("/accounts/email/")
    browser.assert_clean("applicant")

    mentor = watched(width=1280, height=900)  # the week strip as wide as it gets
    mentor.log_in(match.mentor.user)
    for path in ["/mentoring/", f"/mentoring/pairs/{match.pk}/", f"/mentoring/pairs/{match.pk}/weeks/3/log/",
                 f"/mentoring/logs/{log.pk}/edit/"]:  # fmt: skip
        mentor.visit(path)
    mentor.assert_clean("mentor")

    mentee = watched()
    mentee.log_in(match.mentee.user)
    for path in ["/mentoring/", f"/mentoring/pairs/{match.pk}/", f"/events/{event.pk}/"]:
        mentee.visit(path)
    mentee.assert_clean("mentee")


def test_staff_pages_and_the_admin_keep_the_policy(watched):
    this_week = week_start(timezone.localdate())
    cohort = mentorship_cohort(starts_on=this_week - dt.timedelta(weeks=2))
    match = pair(cohort)
    log = MeetingLogFactory(match=match, private_note="Thinking of changing jobs.")
    log.met_on = log.week + dt.timedelta(days=2)
    log.save(update_fields=["met_on"])  # a second version in its history
    application = ApplicationFactory(cohort=CohortFactory())
    SelfIdentificationFactory(application=application)
    event = EventFactory(cohort=cohort, starts_at=timezone.now() - dt.timedelta(minutes=3))
    mentors(event, 2)
    mentees(event, 2)
    staff = StaffFactory()

    browser = watched(width=1280, height=900)
    browser.log_in(staff)
    admin_pages = [
        "/admin/",
        "/admin/applications/application/",
        f"/admin/applications/application/{application.pk}/change/",
        f"/admin/applications/application/{application.pk}/history/",
        "/admin/cohorts/cohort/",
        f"/admin/cohorts/cohort/{cohort.pk}/change/",
        "/admin/cohorts/cohort/add/",  # the slug filled from the name as staff type (prepopulated_fields)
        "/admin/matching/match/",
        f"/admin/matching/match/{match.pk}/change/",
        f"/admin/matching/match/{match.pk}/history/",
        f"/admin/matching/matchrun/{match.run.pk}/change/",
        f"/admin/matching/matchrun/run/{cohort.pk}/",
        "/admin/meetings/pair/",
        f"/admin/meetings/pair/{match.pk}/change/",
        "/admin/meetings/meetinglog/",
        f"/admin/meetings/meetinglog/{log.pk}/change/",
        f"/admin/meetings/meetinglog/{log.pk}/history/",
        f"/admin/meetings/meetinglog/{log.pk}/history/{log.history.earliest().history_id}/",
        "/admin/events/event/",
        f"/admin/events/event/{event.pk}/change/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{staff.pk}/change/",
    ]
    for path in admin_pages:
        browser.visit(path)
    for path in [f"/events/{event.pk}/run-sheet/", f"/events/{event.pk}/check-in/", f"/events/{event.pk}/projector/",
                 f"/events/{event.pk}/completion/", "/accounts/2fa/"]:  # fmt: skip
        browser.visit(path)
    # The pages the admin's actions show: two runs compared, and a pair's end to confirm.
    MatchRun.objects.create(cohort=cohort)
    browser.visit("/admin/matching/matchrun/")
    browser.page.locator("input[name=_selected_action]").nth(0).check()
    browser.page.locator("input[name=_selected_action]").nth(1).check()
    run_action(browser, "compare")
    assert browser.page.get_by_role("heading", name="Compare runs").first.is_visible()
    browser.visit("/admin/meetings/pair/")
    browser.page.locator(f"input[name=_selected_action][value='{match.pk}']").check()
    run_action(browser, "end")
    assert browser.page.get_by_role("button", name="Yes, end these pairs").is_visible()
    browser.assert_clean("staff")


def run_action(browser: Watched, action: str) -> None:
    """Run an admin list's action on the rows ticked, as staff do."""
    browser.page.locator("select[name=action]").select_option(action)
    browser.page.get_by_role("button", name="Go").click()
    browser.page.wait_for_load_state("load")


def test_staff_without_a_second_factor_set_it_up_within_the_policy(watched):
    browser = watched()
    browser.log_in(StaffFactory(mfa=False))

    # The admin sends them to set up an authenticator app, after confirming their password.
    browser.visit("/admin/", expect="/accounts/reauthenticate/")
    browser.page.locator("#id_password").fill(PASSWORD)
    browser.page.locator("main form [type=submit]").click()
    browser.page.wait_for_url("**/accounts/2fa/totp/activate/")
    browser.page.wait_for_load_state("load")

    assert browser.page.locator("img[src^='data:']").is_visible()  # the QR code, a data: image
    browser.assert_clean("mfa-setup")
