import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_page_has_a_skip_link_to_the_main_content_and_declares_its_language(client):
    page = client.get(reverse("home"), headers={"accept-language": "fr"}).content.decode()

    assert '<html lang="fr">' in page
    assert 'href="#main">Aller au contenu principal</a>' in page
    assert '<main id="main"' in page
    assert page.index("Aller au contenu principal") < page.index("<nav")


def test_pages_use_the_sites_own_bootstrap_and_no_outside_server(client):
    page = client.get(reverse("account_login")).content.decode()

    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page  # no inline scripts: the content security policy will forbid them


def test_the_not_found_page_is_the_sites_own_and_translated(client):
    response = client.get("/no-such-page/", headers={"accept-language": "fr"})

    assert response.status_code == 404
    assert "Nous ne trouvons pas cette page" in response.content.decode()


@pytest.mark.urls("mentorship.tests.error_urls")
def test_the_forbidden_page_is_the_sites_own_and_translated(client):
    response = client.get("/forbidden/", headers={"accept-language": "fr"})

    assert response.status_code == 403
    assert "Vous ne pouvez pas ouvrir cette page" in response.content.decode()


@pytest.mark.urls("mentorship.tests.error_urls")
def test_the_server_error_page_is_the_sites_own_and_translated(client):
    client.raise_request_exception = False
    client.force_login(UserFactory(language="fr"))

    response = client.get("/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Un problème est survenu de notre côté" in page
    assert "Traceback" not in page
