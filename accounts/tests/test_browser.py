"""A person signs up, verifies their address from the email, logs in and switches to French,
in the system Chromium on a phone-sized window."""

import re
from pathlib import Path

import pytest
from django.core import mail

from accounts.models import User

from .factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"signup-{name}.png"), full_page=True)


def open_menu(page) -> None:
    """On a phone the navigation is collapsed behind its toggle button."""
    toggle = page.get_by_role("button", name=re.compile("Show or hide the menu|Afficher ou masquer le menu"))
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def test_sign_up_verify_log_in_and_switch_to_french(page, live_server):
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Preferred name").fill("Noah Begay")
    page.get_by_label("Pronouns").fill("he/him")
    page.get_by_label("Email").fill("noah@example.org")
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Time zone").select_option("America/Denver")
    page.get_by_label("Language").select_option("en")
    shot(page, "1-form")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    shot(page, "2-check-your-inbox")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{live_server.url}/")
    open_menu(page)
    page.get_by_role("button", name="Log out").click()  # allauth logged in the tab that signed up
    page.wait_for_url(f"{live_server.url}/")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("noah@example.org")
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")
    shot(page, "3-signed-in")
    assert page.get_by_text("Welcome back, Noah Begay.").is_visible()

    open_menu(page)
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    shot(page, "4-french")

    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_text("Bon retour, Noah Begay.").is_visible()
    assert User.objects.get(email="noah@example.org").language == "fr"
