"""The security headers of every response: the Content Security Policy (no inline script), the referrer
policy, no sniffing, no framing, the opener policy, HSTS over HTTPS, and cookies only over HTTPS.

`check --deploy` with production settings is in test_deploy.py; the policy in a real browser is in
test_csp_browser.py."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [settings.BASE_DIR / "templates", *sorted(settings.BASE_DIR.glob("*/templates"))]


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("url", ["/", "/programs/", "/accounts/login/", "/accounts/signup/", "/admin/login/",
                                 "/no-such-page/"])  # fmt: skip
def test_every_page_has_the_policy_with_no_inline_script(client, url):
    directives = policy(client.get(url))

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other site
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["font-src"] == directives["connect-src"] == directives["form-action"] == ["'self'"]
    assert directives["object-src"] == directives["base-uri"] == directives["frame-ancestors"] == ["'none'"]
    # Style attributes: only two values of third-party templates, by their hashes (see settings).
    assert directives["style-src-attr"] == [
        "'unsafe-hashes'",
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        "'sha256-ZdHxw9eWtnxUb3mk6tBS+gIiVUPE3pGM470keHPDFlE='",
    ]
    assert not [source for sources in directives.values() for source in sources if "unsafe-inline" in source]


def test_the_admin_has_the_policy_and_every_other_header_too(client):
    client.force_login(StaffFactory())

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_https_responses_tell_browsers_to_use_https_only_for_a_year(client):
    response = client.get("/", secure=True)

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_the_session_and_csrf_cookies_go_over_https_only_and_not_to_scripts(client):
    person = UserFactory()
    client.get(reverse("account_login"))  # the form's CSRF cookie

    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"]


def test_no_template_has_an_inline_script_or_style():
    """The policy would refuse them: scripts and styles live in static files (static/js, static/css).
    A script tag with src, or holding JSON data (type="application/json"), is fine."""
    inline_script = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE)
    forbidden = [
        inline_script,
        re.compile(r"<style\b", re.IGNORECASE),
        re.compile(r"\sstyle=", re.IGNORECASE),
        re.compile(r"\son[a-z]+=", re.IGNORECASE),  # onclick="..." and the like
        re.compile(r"javascript:", re.IGNORECASE),
    ]

    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for directory in TEMPLATE_DIRS
        for path in sorted(directory.rglob("*.html"))
        for pattern in forbidden
        for match in pattern.finditer(path.read_text())
    ]

    assert len(TEMPLATE_DIRS) > 5
    assert found == []
