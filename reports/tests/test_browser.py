"""The cohort report in Chromium: its charts are drawn (under the site's Content-Security-Policy, with no
JavaScript error) and it prints as a clean report, without the site's navigation."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from applications.models import Application
from applications.tests.factories import (
    ApplicationFactory,
    ConfidenceRatingFactory,
    ConfidenceStatementFactory,
    MentorApplicationFactory,
    SelfIdentificationFactory,
)
from cohorts.models import Role
from cohorts.tests.factories import ParticipantFactory
from meetings.periods import week_start
from meetings.tests.factories import MeetingLogFactory, mentorship_cohort, pair
from mentorship.tests.test_csp_browser import Watched
from reports.models import Outcome, SurveyInvitation, SurveyRating, SurveyResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def seed():
    """A cohort in its mentorship period: six mentees and five mentors, paired, with logs, identity
    answers, confidence before and after, and outcomes."""
    cohort = mentorship_cohort(starts_on=week_start(timezone.localdate()) - dt.timedelta(weeks=5))
    statement = ConfidenceStatementFactory(name_en="I can negotiate an offer.")
    mentors = []
    for number in range(5):
        application = MentorApplicationFactory(cohort=cohort, status=Application.Status.ACCEPTED)
        SelfIdentificationFactory(application=application, answers={"gender": ["woman" if number else "man"]})
        mentors.append(
            ParticipantFactory(
                cohort=cohort, user=application.user, role=Role.MENTOR, mentee_capacity=2, application=application
            )
        )
    for number in range(6):
        application = ApplicationFactory(cohort=cohort, status=Application.Status.ACCEPTED)
        SelfIdentificationFactory(application=application, answers={"gender": ["woman"], "trans": "no"})
        ConfidenceRatingFactory(application=application, statement=statement, rating=2)
        mentee = ParticipantFactory(cohort=cohort, user=application.user, application=application)
        match = pair(cohort, mentor=mentors[number % 5], mentee=mentee)
        MeetingLogFactory(match=match)
        now = timezone.now()
        invitation = SurveyInvitation.objects.create(
            participant=mentee, kind=SurveyInvitation.Kind.END_OF_PROGRAM, sent_at=now, closes_at=now
        )
        response = SurveyResponse.objects.create(invitation=invitation, recommend=9)
        SurveyRating.objects.create(response=response, statement=statement, rating=2 + number % 3)
        Outcome.objects.create(participant=mentee, kind=Outcome.Kind.INTERVIEW, happened_on=timezone.localdate())
    return cohort


def test_the_report_draws_its_charts_and_prints_without_navigation(browser_page, live_server):
    cohort = seed()
    browser = Watched(browser_page(width=1280, height=900), live_server.url)
    browser.log_in(StaffFactory())
    path = reverse("reports:report", args=["cohort", cohort.slug])

    browser.visit(path)

    page = browser.page
    charts = page.locator("canvas[data-chart]")
    assert charts.count() >= 4
    # Every chart was drawn: Chart.js ran, and the canvas holds coloured pixels.
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')].map((canvas) => {
            const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
            let coloured = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) coloured++;
            return [canvas.dataset.chart, canvas.dataset.rendered === 'true' && coloured > 500];
        })"""
    )
    assert all(ok for _name, ok in drawn), drawn
    assert page.get_by_role("table", name="From application to the end of the mentorship").is_visible()
    browser.assert_clean("report")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "report.png"), full_page=True)

    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("footer").is_visible()
    assert not page.get_by_role("button", name="Print this report").is_visible()
    assert not page.get_by_role(
        "link", name="Download “From application to the end of the mentorship” (CSV)"
    ).is_visible()
    assert page.get_by_role("heading", name="From application to the end of the mentorship").is_visible()
    assert page.locator("canvas[data-chart]").first.is_visible()
    page.screenshot(path=str(OUTPUT / "report-print.png"), full_page=True)
    page.pdf(path=str(OUTPUT.parent / "report.pdf"), format="A4")
    assert (OUTPUT.parent / "report.pdf").stat().st_size > 10_000
