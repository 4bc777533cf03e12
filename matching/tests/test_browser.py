"""Staff run the matching in the admin, pin a pair, run again, publish, and both people are emailed."""

from pathlib import Path

import pytest
from django.core import mail

from accounts.tests.factories import PASSWORD, StaffFactory, totp_code
from cohorts.models import Role
from cohorts.tests.factories import CohortFactory, ParticipantFactory
from events.models import Rating
from events.tests.factories import EventFactory
from matching.models import Match, MatchRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def test_run_pin_rerun_and_publish(browser_page):
    cohort = CohortFactory()
    alex, bea = (ParticipantFactory(cohort=cohort, role=Role.MENTEE) for _ in range(2))
    xavi, yan = (ParticipantFactory(cohort=cohort, role=Role.MENTOR, mentee_capacity=1) for _ in range(2))
    event = EventFactory(cohort=cohort)
    for rater, rated in ((alex, xavi), (xavi, alex), (bea, yan), (yan, bea)):
        Rating.objects.create(event=event, rater=rater, rated=rated, score=5)
    staff = StaffFactory()
    page = browser_page(width=1280, height=900)
    page.goto("/admin/login/")  # allauth's login page, then its second-factor step
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.locator("#id_code").fill(totp_code(staff))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")

    def run_matching():
        page.goto(f"/admin/cohorts/cohort/{cohort.pk}/change/")
        page.get_by_role("link", name="Run matching").click()
        page.get_by_label("Best overall").check()
        page.get_by_role("button", name="Run").click()
        page.wait_for_url("**/admin/matching/matchrun/*/change/")
        return MatchRun.objects.latest("created_at")

    first = run_matching()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "matching-1-first-run.png"), full_page=True)
    assert set(first.matches.values_list("mentee", "mentor")) == {(alex.pk, xavi.pk), (bea.pk, yan.pk)}

    page.goto("/admin/matching/pairrule/add/")
    page.locator("#id_cohort").select_option(str(cohort.pk))
    page.locator("#id_mentee").fill(str(bea.pk))
    page.locator("#id_mentor").fill(str(xavi.pk))
    page.locator("#id_kind").select_option("pin")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/matching/pairrule/")

    second = run_matching()
    page.screenshot(path=str(SHOTS / "matching-2-pinned-run.png"), full_page=True)
    assert set(second.matches.values_list("mentee", "mentor")) == {(bea.pk, xavi.pk), (alex.pk, yan.pk)}

    page.goto("/admin/matching/matchrun/")
    page.locator(f"input[name=_selected_action][value='{second.pk}']").check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Go").click()
    page.wait_for_load_state()
    page.screenshot(path=str(SHOTS / "matching-3-published.png"), full_page=True)

    assert Match.objects.active().count() == 2
    inbox = {message.to[0]: message for message in mail.outbox}
    assert xavi.user.display_name in inbox[bea.user.email].subject
    assert bea.user.display_name in inbox[xavi.user.email].subject
    assert len(mail.outbox) == 4
