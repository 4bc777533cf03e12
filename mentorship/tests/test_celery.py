import time

import pytest
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from accounts.tests.factories import StaffFactory
from mentorship import health
from mentorship.celery import app
from mentorship.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


def test_a_real_worker_runs_a_task_sent_through_redis(celery_worker, client):
    assert health.heartbeat_last_seen() is None

    worker_heartbeat.delay()

    deadline = time.monotonic() + 20
    while health.heartbeat_last_seen() is None and time.monotonic() < deadline:
        time.sleep(0.1)  # waiting for another process, not for time to pass
    assert health.heartbeat_last_seen() is not None


@pytest.mark.django_db(transaction=True)  # the scheduler closes the connection, as beat does between runs
def test_the_beat_schedule_lives_in_the_database_where_staff_can_see_it(client):
    DatabaseScheduler(app=app)  # what `celery beat` does when it starts

    entry = PeriodicTask.objects.get(name="worker-heartbeat")
    assert entry.task == "mentorship.tasks.worker_heartbeat"
    assert entry.enabled

    client.force_login(StaffFactory())
    listing = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert listing.status_code == 200
    assert entry in listing.context["cl"].result_list


@pytest.mark.parametrize("name", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_scheduled_task_exists_and_runs_twice_without_harm(name):
    app.loader.import_default_modules()  # what a worker does at start: find every app's tasks
    task = app.tasks[settings.CELERY_BEAT_SCHEDULE[name]["task"]]

    first, second = task.apply(), task.apply()

    assert first.successful() and second.successful()
