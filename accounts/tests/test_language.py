import pytest
from django.core import mail
from django.urls import reverse

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_visitor_gets_the_language_of_their_browser(client):
    assert "Se connecter" in client.get(reverse("home"), headers={"accept-language": "fr"}).content.decode()
    assert "Log in" in client.get(reverse("home"), headers={"accept-language": "en"}).content.decode()


def test_after_login_the_saved_language_wins_over_the_browser(client):
    user = UserFactory(language="fr")
    login(client, user)

    page = client.get(reverse("home"), headers={"accept-language": "en"})

    assert page.headers["Content-Language"] == "fr"
    assert "Se déconnecter" in page.content.decode()


def test_switching_language_when_signed_in_saves_it_to_the_account(client):
    user = UserFactory(language="en")
    login(client, user)

    response = client.post(reverse("accounts:set_language"), {"language": "fr", "next": "/"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "fr"
    assert "Se déconnecter" in client.get("/").content.decode()


def test_a_visitor_switching_language_keeps_it_in_a_cookie(client):
    client.post(reverse("accounts:set_language"), {"language": "fr", "next": "/"})

    assert "Se connecter" in client.get("/", headers={"accept-language": "en"}).content.decode()


def test_an_unknown_language_changes_nothing(client):
    user = UserFactory(language="en")
    login(client, user)

    client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})

    user.refresh_from_db()
    assert user.language == "en"


def test_switcher_does_not_redirect_to_another_site(client):
    response = client.post(reverse("accounts:set_language"), {"language": "fr", "next": "https://evil.example/"})

    assert response.url == "/"


def test_a_password_reset_email_goes_out_in_the_recipients_language_not_the_pages(client):
    UserFactory(email="lina@example.org", language="fr")

    client.post(reverse("account_reset_password"), {"email": "lina@example.org"}, headers={"accept-language": "en"})

    assert len(mail.outbox) == 1
    assert "réinitialisation de mot de passe" in mail.outbox[0].subject
    assert "Bonjour de la part des programmes de mentorat" in mail.outbox[0].body
