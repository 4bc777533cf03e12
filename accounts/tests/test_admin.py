import pytest
from django.urls import reverse

from accounts.models import User

from .factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_list_search_and_open_people(client):
    staff = StaffFactory()
    person = UserFactory(preferred_name="Kiona Whitehorse", email="kiona@example.org")
    client.force_login(staff)

    listing = client.get(reverse("admin:accounts_user_changelist"), {"q": "kiona"})
    change = client.get(reverse("admin:accounts_user_change", args=[person.pk]))

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [person]
    assert change.status_code == 200


def test_staff_create_a_person_by_email(client):
    client.force_login(StaffFactory())

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Rohan@Example.org",
            "usable_password": "true",
            "password1": "a-long-enough-password-2026",
            "password2": "a-long-enough-password-2026",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="rohan@example.org").exists()


def test_people_who_are_not_staff_cannot_open_the_admin(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("people", [3, 30])
def test_the_people_list_costs_the_same_queries_at_any_size(client, django_assert_num_queries, people):
    client.force_login(StaffFactory())
    UserFactory.create_batch(people)

    # session, staff user, their second factor, groups for the filter, two counts, the page
    with django_assert_num_queries(7):
        assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_only_a_superuser_sets_another_staff_members_password(client):
    from django.contrib.auth.models import Permission

    staff = StaffFactory(is_superuser=False)  # staff who may change people, not a superuser
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["change_user", "view_user"]))
    colleague, mentee = StaffFactory(is_superuser=False), UserFactory()
    client.force_login(staff)

    def password_page(person):
        return client.get(reverse("admin:auth_user_password_change", args=[person.pk]))

    assert password_page(colleague).status_code == 403
    assert password_page(mentee).status_code == 200
    assert password_page(staff).status_code == 200
    client.force_login(StaffFactory())  # a superuser
    assert password_page(colleague).status_code == 200
