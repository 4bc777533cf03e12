"""On a phone, a mentee follows the speed-networking schedule through two rounds, then rates."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from accounts.tests.factories import PASSWORD
from events import services
from events.models import Rating, Seat

from .factories import EventFactory, mentees, mentors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"event-{name}.png"), full_page=True)


def mentor_at(event, mentee, number):
    table = Seat.objects.get(event=event, participant=mentee, round=number).table
    return Seat.objects.get(event=event, round=number, table=table, participant__role="mentor").participant


def test_a_mentee_follows_two_rounds_on_the_phone_then_rates(browser_page):
    event = EventFactory(rounds=2, tables=2, round_minutes=7, break_minutes=2)
    mentors(event, 2, intro="Engineering manager at a fintech")
    mentee = mentees(event, 2)[0].participant
    services.schedule_write(event=event)
    first, second = mentor_at(event, mentee, 1), mentor_at(event, mentee, 2)
    page = browser_page()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(mentee.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()

    for number, mentor in ((1, first), (2, second)):
        with time_machine.travel(event.round_starts_at(number) + dt.timedelta(minutes=1)):
            page.goto(event.get_absolute_url())
            shot(page, f"round-{number}")
            now = page.locator(".current-round")
            assert now.get_by_text(f"Round {number}").is_visible()
            assert now.get_by_text(mentor.user.display_name).is_visible()
            assert now.get_by_text("Engineering manager at a fintech").is_visible()
    assert first != second

    with time_machine.travel(event.ends_at + dt.timedelta(minutes=5)):
        page.goto(event.get_absolute_url())
        page.get_by_role("link", name="Rate the people you met").click()
        for mentor, score in ((first, "5"), (second, "3")):
            block = page.get_by_role("group", name=mentor.user.display_name)
            block.get_by_label(score, exact=True).check()
        page.get_by_role("group", name=first.user.display_name).get_by_label("A note for the staff").fill("Great fit")
        shot(page, "rate")
        page.get_by_role("button", name="Save my ratings").click()
        page.wait_for_load_state()
        shot(page, "rated")
        assert page.get_by_text("your ratings are saved").is_visible()

    assert dict(Rating.objects.filter(rater=mentee).values_list("rated", "score")) == {first.pk: 5, second.pk: 3}
    assert Rating.objects.get(rater=mentee, rated=first).note == "Great fit"
