import pytest
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def test_the_profile_page_needs_a_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_person_updates_their_name_pronouns_time_zone_and_language(client):
    user = UserFactory(language="en")
    client.force_login(user)

    response = client.post(
        PROFILE,
        {"preferred_name": "Théo Lavoie", "pronouns": "il/lui", "time_zone": "Europe/Paris", "language": "fr"},
        follow=True,
    )

    user.refresh_from_db()
    assert (user.preferred_name, user.pronouns, user.time_zone, user.language) == (
        "Théo Lavoie",
        "il/lui",
        "Europe/Paris",
        "fr",
    )
    assert "Votre profil est enregistré." in response.content.decode()


def test_bad_profile_input_is_refused_and_nothing_is_saved(client):
    user = UserFactory(preferred_name="Mei Chen", time_zone="America/Toronto", language="fr")
    client.force_login(user)

    response = client.post(
        PROFILE, {"preferred_name": "B" * 81, "pronouns": "", "time_zone": "Nowhere/Place", "language": "fr"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "comporte au plus 80 caractères" in page
    assert "n’est pas un fuseau horaire connu" in page
    assert "Mei Chen" in page  # the navigation still shows the saved name, not the rejected one
    user.refresh_from_db()
    assert (user.preferred_name, user.time_zone) == ("Mei Chen", "America/Toronto")
