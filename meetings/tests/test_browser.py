"""A mentor logs a meeting from the reminder link and the mentee confirms it, on phones.

The browser and the live server run in real time, so the cohort is built around today instead of
travelling in time: its mentorship period began two Mondays before this week (today is in week 3).
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail

from accounts.tests.factories import PASSWORD
from cohorts.models import Role
from cohorts.tests.factories import ParticipantFactory
from meetings.models import Format, MeetingLog, MenteeResponse, Topic
from meetings.periods import week_start
from meetings.reminders import checkin_reminders_deliver
from meetings.selectors import local_today

from .factories import UserFactory, mentorship_cohort, pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
SHARED = "We rehearsed a system-design interview <and> a salary question."
PRIVATE = "Confidential: my mentee is thinking of leaving their job."


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"meeting-{name}.png"), full_page=True)


def log_in(page, email: str) -> None:
    """On the login page (where ``page`` already is): email and password, then wait for the next page."""
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def open_menu(page) -> None:
    """On a phone the navigation is collapsed behind its toggle button."""
    toggle = page.get_by_role("button", name="Show or hide the menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def fits_the_screen(page) -> bool:
    """No horizontal scrolling: the page is no wider than the window."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_mentor_logs_a_meeting_from_the_reminder_link_and_the_mentee_confirms_it(browser_page, live_server, settings):
    settings.SITE_URL = live_server.url  # the email's links point to the live server
    mentor_user = UserFactory(time_zone="America/Vancouver", preferred_name="Maya Okafor", pronouns="she/her")
    mentee_user = UserFactory(time_zone="America/Halifax", preferred_name="Liam Tremblay", pronouns="he/him")
    today = local_today(mentor_user)  # the mentor's own day: the form's default date, and the latest allowed
    this_week = week_start(today)
    cohort = mentorship_cohort(starts_on=this_week - dt.timedelta(weeks=2))
    mentor = ParticipantFactory(cohort=cohort, role=Role.MENTOR, user=mentor_user, mentee_capacity=2)
    mentee = ParticipantFactory(cohort=cohort, role=Role.MENTEE, user=mentee_user)
    match = pair(cohort, mentor=mentor, mentee=mentee)
    # Transactional tests empty the tables, the topics of the data migration too.
    topic, _created = Topic.objects.get_or_create(name_en="Interview practice", defaults={"position": 1})

    assert checkin_reminders_deliver([(mentor_user.pk, this_week)]) == 1
    (reminder,) = mail.outbox
    assert reminder.to == [mentor_user.email]
    assert "week 3" in reminder.subject
    link = re.search(r"Log this week: (\S+)", reminder.body).group(1)
    assert link.startswith(f"{live_server.url}/mentoring/go/")

    # The mentor opens the link on their phone, logged out: the login page, then the week's form.
    page = browser_page()
    page.goto(link)
    assert "/accounts/login/" in page.url
    shot(page, "1-login-from-the-reminder")
    log_in(page, mentor_user.email)
    page.wait_for_url(f"**/mentoring/pairs/{match.pk}/weeks/3/log/")
    assert page.get_by_role("heading", name=re.compile(r"Week 3, from")).is_visible()
    assert page.get_by_label("Date").input_value() == today.isoformat()
    page.get_by_label("Yes, we met").check()
    page.get_by_label("Duration in minutes").fill("45")
    page.get_by_label("Video call").check()
    page.get_by_label("Interview practice").check()
    page.get_by_label("Notes shared with your mentee").fill(SHARED)
    page.get_by_label("Private note for staff").fill(PRIVATE)
    shot(page, "2-log-form")
    assert fits_the_screen(page)

    # A second tap while the first is still on its way (a slow phone network) sends nothing more
    # (static/js/site.js): the first request is held until the second tap is done. Playwright's dblclick
    # would prove nothing: Chromium itself drops a second submission made in the same instant.
    held = []
    page.route("**/weeks/3/log/", lambda route: held.append(route))  # the page is loaded: only its POSTs come
    submit = page.get_by_role("button", name="Log this week")
    submit.scroll_into_view_if_needed()
    box = submit.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_request(lambda request: request.method == "POST"):
        page.mouse.click(x, y)  # the mouse, unlike a locator, does not wait for the page being loaded
    page.mouse.click(x, y)
    page.wait_for_timeout(500)  # time enough for a second request, were one sent
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_url(f"**/mentoring/pairs/{match.pk}/#log-*")
    shot(page, "3-logged")
    assert page.get_by_text("Week 3 is logged. Thank you!").is_visible()
    week_3 = page.locator(".week-strip .week").nth(2)
    assert "week-logged" in week_3.get_attribute("class")
    assert week_3.locator(".week-state").inner_text() == "Met"
    assert week_3.get_attribute("aria-current") == "date"  # today's week keeps its mark once logged
    assert page.get_by_text("Waiting for your mentee to confirm.").is_visible()
    assert fits_the_screen(page)

    log = MeetingLog.objects.get()
    assert (log.match, log.week, log.met_on, log.duration_minutes, log.format) == (
        match,
        this_week,
        today,
        45,
        Format.VIDEO,
    )
    assert list(log.topics.all()) == [topic]
    assert (log.shared_notes, log.private_note, log.logged_by) == (SHARED, PRIVATE, mentor_user)

    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page.goto(f"/mentoring/pairs/{match.pk}/")
    assert "/accounts/login/" in page.url

    # The mentee, on their own phone, opens the pair from their mentoring page and confirms.
    phone = browser_page()
    phone.goto("/mentoring/")
    log_in(phone, mentee_user.email)
    phone.wait_for_url("**/mentoring/")
    shot(phone, "4-mentee-home")
    assert fits_the_screen(phone)
    phone.get_by_role("link", name=re.compile("Maya Okafor")).click()
    phone.wait_for_url(f"**/mentoring/pairs/{match.pk}/")
    entry = phone.locator(f"#log-{log.pk}")
    assert entry.get_by_text(SHARED).is_visible()
    assert PRIVATE not in phone.content()
    assert phone.get_by_text("Private note for staff").count() == 0
    shot(phone, "5-mentee-pair")
    assert fits_the_screen(phone)
    entry.get_by_role("button", name="Yes, we met").click()
    phone.wait_for_load_state()
    shot(phone, "6-confirmed")
    assert phone.get_by_text("Thank you: the meeting is confirmed.").is_visible()
    assert phone.locator(f"#log-{log.pk}").get_by_text("Confirmed by the mentee").is_visible()
    assert phone.get_by_role("button", name="Yes, we met").count() == 0
    assert fits_the_screen(phone)

    log.refresh_from_db()
    assert log.mentee_response == MenteeResponse.CONFIRMED
    assert log.mentee_responded_at is not None
