import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD, PEOPLE
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_its_logins_work(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert User.objects.count() == len(PEOPLE)
    assert EmailAddress.objects.filter(verified=True).count() == len(PEOPLE)
    assert User.objects.filter(is_staff=True).count() == 1
    assert client.login(email="alex.nguyen@demo.example", password=DEMO_PASSWORD)


def test_seed_demo_refuses_to_publish_demo_logins_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_has_pairs_in_their_mentorship_period_with_logged_weeks(settings, client):
    from meetings.models import MeetingLog

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    logs = MeetingLog.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert logs and MeetingLog.objects.count() == logs
    client.login(email="amara.okafor@demo.example", password=DEMO_PASSWORD)
    page = client.get("/mentoring/")
    assert page.status_code == 200
    assert len(page.context["as_mentor"]) == 2
