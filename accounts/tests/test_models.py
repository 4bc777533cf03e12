import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from accounts.models import User

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_in_lower_case():
    user = User.objects.create_user(email="  Alex.Nguyen@Example.ORG ", password="x-long-password-1")
    assert user.email == "alex.nguyen@example.org"
    assert User.objects.get_by_natural_key("ALEX.NGUYEN@example.org") == user


def test_an_account_is_found_by_its_address_through_an_index(postgres):
    """A log-in looks the person up by address: through the index of lower-cased addresses, not by reading every
    account (which the planner must do when it cannot use an index, even with sequential scans discouraged)."""
    UserFactory.create_batch(3)
    alex = UserFactory(email="alex@example.org")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = User.objects.with_email("ALEX@Example.org").explain()

    assert "Index Cond" in plan, plan  # the address is the index's condition, not a filter over every account
    assert list(User.objects.with_email("ALEX@Example.org")) == [alex]


def test_two_accounts_cannot_share_an_address_even_in_another_case():
    UserFactory(email="sam@example.org")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="SAM@example.org")])


@pytest.mark.parametrize("zone", ["America/Toronto", "Europe/Paris", "UTC"])
def test_known_time_zones_are_accepted(zone):
    user = UserFactory.build(time_zone=zone)
    user.full_clean(exclude=["password"])


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "localtime", "EST5EDT"])
def test_unknown_time_zones_are_rejected(zone):
    user = UserFactory.build(time_zone=zone)
    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])
    assert "time_zone" in error.value.message_dict


def test_people_are_shown_by_preferred_name_or_the_start_of_their_address():
    assert str(UserFactory.build(preferred_name="Jules Gagnon")) == "Jules Gagnon"
    assert str(UserFactory.build(preferred_name="", email="kiona@example.org")) == "kiona"
