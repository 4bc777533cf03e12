"""The tokens of watched tables change with their rows, whoever changes them (mentorship/data_versions.py)."""

import pytest
from django.db import connection, transaction

from accounts.models import User
from accounts.tests.factories import UserFactory
from applications.models import Application, OutreachChannel
from applications.tests.factories import ApplicationFactory, OutreachChannelFactory
from mentorship import data_versions

pytestmark = pytest.mark.django_db

APPLICATIONS = Application._meta.db_table
USERS = User._meta.db_table
CHANNELS = OutreachChannel._meta.db_table


def token(table: str) -> str:
    found = data_versions.tokens((table,))
    assert found is not None, f"{table} has no token: its triggers are not installed"
    return found[0]


def test_a_save_an_update_a_delete_and_raw_sql_each_change_the_tables_token():
    application = ApplicationFactory()
    seen = {token(APPLICATIONS)}

    Application.objects.filter(pk=application.pk).update(is_alumni=True)  # no save(), no signal
    seen.add(token(APPLICATIONS))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE applications_application SET is_alumni = FALSE WHERE id = %s", [application.pk])
    seen.add(token(APPLICATIONS))
    Application.objects.filter(pk=application.pk).delete()
    seen.add(token(APPLICATIONS))

    assert len(seen) == 4


def test_a_change_to_one_table_leaves_the_others_tokens_alone():
    channel = OutreachChannelFactory()
    before = token(APPLICATIONS)

    OutreachChannel.objects.filter(pk=channel.pk).update(name_en="Radio")

    assert token(APPLICATIONS) == before


def test_signing_in_does_not_count_as_a_change_to_people_but_a_new_email_does():
    person = UserFactory()
    before = token(USERS)

    User.objects.filter(pk=person.pk).update(last_login="2026-11-26T10:00:00Z")
    assert token(USERS) == before

    User.objects.filter(pk=person.pk).update(email="new@example.org")
    assert token(USERS) != before


def test_a_change_rolled_back_leaves_the_token_it_found():
    before = token(CHANNELS)

    with pytest.raises(RuntimeError), transaction.atomic():
        OutreachChannelFactory()
        assert token(CHANNELS) != before  # the transaction sees its own change
        raise RuntimeError

    assert token(CHANNELS) == before


def test_emptying_a_table_at_once_changes_its_token(postgres):
    OutreachChannelFactory()
    before = token(CHANNELS)

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {CHANNELS} CASCADE")

    assert token(CHANNELS) != before


def test_a_table_without_a_token_keeps_nothing():
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM mentorship_tableversion WHERE "table" = %s', [APPLICATIONS])

    assert data_versions.tokens((APPLICATIONS, CHANNELS)) is None
