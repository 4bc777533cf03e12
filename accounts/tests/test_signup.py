import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")


def signup_data(**overrides):
    data = {
        "preferred_name": "Fatou Diallo",
        "pronouns": "she/her",
        "email": "fatou@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "time_zone": "America/Toronto",
        "language": "fr",
    }
    data.update(overrides)
    return data


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_sign_up_saves_the_profile_and_sends_the_verification_in_the_chosen_language(client):
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    user = User.objects.get(email="fatou@example.org")
    assert (user.preferred_name, user.pronouns, user.time_zone, user.language) == (
        "Fatou Diallo",
        "she/her",
        "America/Toronto",
        "fr",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["fatou@example.org"]
    assert "Confirmez" in mail.outbox[0].subject or "Confirmer" in mail.outbox[0].subject


def test_an_unverified_account_cannot_log_in_until_the_link_is_opened(client):
    client.post(SIGNUP, signup_data(language="en"))
    client.logout()

    response = client.post(reverse("account_login"), {"login": "fatou@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = confirmation_link(mail.outbox[-1])
    client.post(link)
    response = client.post(reverse("account_login"), {"login": "fatou@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="fatou@example.org").pk)


@pytest.mark.parametrize(
    ("overrides", "field", "french_message"),
    [
        ({"email": "not-an-address"}, "email", "Saisissez une adresse de courriel valide"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "n’est pas un fuseau horaire connu"),
        ({"preferred_name": "A" * 81}, "preferred_name", "comporte au plus 80 caractères"),
        ({"pronouns": "x" * 41}, "pronouns", "comporte au plus 40 caractères"),
        ({"preferred_name": ""}, "preferred_name", "Ce champ est obligatoire"),
        ({"password2": "something-else-2026"}, "password2", "mot de passe"),
    ],
)
def test_bad_input_is_refused_in_the_users_language_and_nothing_is_saved(client, overrides, field, french_message):
    response = client.post(SIGNUP, signup_data(**overrides), headers={"accept-language": "fr"})

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert french_message in errors
    assert french_message in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_an_address_already_taken_gets_its_owner_a_clear_email_and_reveals_nothing_on_the_page(client):
    """Whether an address has an account here must not be visible to whoever types it: knowing that
    someone joined this program can out them. The owner of the address is told, in their language."""
    UserFactory(email="sam@example.org", language="fr")

    taken = client.post(SIGNUP, signup_data(email="SAM@Example.org"), headers={"accept-language": "en"})
    client.logout()
    fresh = client.post(SIGNUP, signup_data(email="new.person@example.org"), headers={"accept-language": "en"})

    assert (taken.status_code, taken.url) == (fresh.status_code, fresh.url)
    assert User.objects.filter(email__iexact="sam@example.org").count() == 1
    to_owner = next(message for message in mail.outbox if message.to == ["sam@example.org"])
    assert "existe déjà" in to_owner.body
    assert reverse("account_reset_password") in to_owner.body


def test_a_double_click_on_sign_up_creates_one_account(client):
    first = client.post(SIGNUP, signup_data())
    second = client.post(SIGNUP, signup_data())

    assert first.status_code == 302
    assert second.status_code in (200, 302)
    assert User.objects.filter(email="fatou@example.org").count() == 1


def test_two_sign_ups_racing_for_one_address_make_one_account_and_no_error(client, monkeypatch):
    """The second request passed the "is it taken?" check before the first one saved."""
    from allauth.account.internal.flows import manage_email

    first = client.post(SIGNUP, signup_data(language="en"))
    monkeypatch.setattr(manage_email, "assess_unique_email", lambda email, user=None: True)
    client.logout()

    second = client.post(SIGNUP, signup_data(language="en"))

    assert (first.status_code, second.status_code) == (302, 302)
    assert second.url == first.url
    assert User.objects.filter(email="fatou@example.org").count() == 1
