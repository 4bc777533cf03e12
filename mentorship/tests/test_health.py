import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEALTHZ = reverse("healthz")


def test_quick_start_is_healthy_with_tasks_in_process(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "in-process"
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthy_with_a_real_redis_broker(client, settings, redis_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url

    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response.json() | {"worker_last_seen": None} == {
        "database": "ok",
        "broker": "ok",
        "worker_last_seen": None,
    }


def test_a_broker_that_does_not_answer_makes_the_site_unhealthy(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get(HEALTHZ)

    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


def test_a_database_that_does_not_answer_makes_the_site_unhealthy(client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)

    response = client.get(HEALTHZ)

    assert response.status_code == 503
    assert response.json()["database"] == "down"
