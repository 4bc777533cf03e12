import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User

from .factories import PASSWORD, UserFactory
from .test_signup import SIGNUP, signup_data

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def test_an_over_long_address_is_refused_with_a_message_not_a_crash(client):
    address = "a" * 250 + "@example.org"

    response = client.post(SIGNUP, signup_data(email=address), headers={"accept-language": "fr"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not User.objects.exists()


def test_an_over_long_new_address_is_refused_on_the_email_page(client):
    client.force_login(UserFactory(email="short@example.org"))

    response = client.post(reverse("account_email"), {"action_add": "", "email": "b" * 250 + "@example.org"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not EmailAddress.objects.filter(email__startswith="bbbb").exists()


def test_repeated_failed_logins_are_slowed_down_by_the_rate_limit(client):
    UserFactory(email="amara@example.org")
    for _ in range(5):
        response = client.post(LOGIN, {"login": "amara@example.org", "password": "wrong-guess"})
        assert response.status_code == 200

    response = client.post(LOGIN, {"login": "amara@example.org", "password": PASSWORD})

    assert response.status_code == 200  # even the right password waits out the limit
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in str(
        client.post(LOGIN, {"login": "amara@example.org", "password": PASSWORD}, headers={"accept-language": "fr"})
        .context["form"]
        .errors
    )


def test_changing_email_keeps_the_old_one_until_the_new_one_is_verified(client):
    user = UserFactory(email="old@example.org", language="fr")
    client.force_login(user)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "old@example.org"
    assert EmailAddress.objects.get(email="new@example.org").verified is False
    assert mail.outbox[-1].to == ["new@example.org"]
    assert "Confirmer" in mail.outbox[-1].subject or "Confirmez" in mail.outbox[-1].subject


def test_changing_password_needs_the_current_one(client):
    user = UserFactory()
    client.force_login(user)
    new = "another-long-password-2027"

    refused = client.post(
        reverse("account_change_password"), {"oldpassword": "not-it", "password1": new, "password2": new}
    )
    accepted = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )

    assert refused.status_code == 200
    assert accepted.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_password_stored_by_the_old_default_still_logs_in_and_is_stored_again_with_argon2id(client, settings):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher

    from mentorship import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # the tests' fast hash set aside
    user = UserFactory(email="old-hash@example.org")
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])

    response = client.post(LOGIN, {"login": "old-hash@example.org", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    hasher = identify_hasher(user.password)
    assert (hasher.algorithm, hasher.memory_cost, hasher.time_cost, hasher.parallelism) == ("argon2", 7168, 5, 1)
    assert "$argon2id$v=19$m=7168,t=5,p=1$" in user.password
    client.logout()
    assert client.post(LOGIN, {"login": "old-hash@example.org", "password": "not-the-password"}).status_code == 200
    assert client.post(LOGIN, {"login": "old-hash@example.org", "password": PASSWORD}).status_code == 302


def test_a_password_stored_at_the_earlier_argon2id_setting_is_stored_again_at_the_current_one(client, settings):
    from django.contrib.auth.hashers import identify_hasher

    from accounts.hashers import Argon2idPasswordHasher
    from mentorship import settings as project_settings

    class Earlier(Argon2idPasswordHasher):  # OWASP's first setting: 19 MiB, 2 iterations
        time_cost, memory_cost = 2, 19 * 1024

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory(email="earlier-hash@example.org")
    user.password = Earlier().encode(PASSWORD, Earlier().salt())
    user.save(update_fields=["password"])

    assert client.post(LOGIN, {"login": "earlier-hash@example.org", "password": PASSWORD}).status_code == 302

    user.refresh_from_db()
    hasher = identify_hasher(user.password)
    assert "$argon2id$v=19$m=7168,t=5,p=1$" in user.password
    assert hasher.verify(PASSWORD, user.password)
