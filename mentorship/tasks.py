"""Site-wide tasks. Every task is idempotent: running it twice leaves the same state as once."""

from celery import shared_task

from . import health


@shared_task
def worker_heartbeat() -> None:
    """Record that a worker is alive; /healthz reports how long ago it last ran."""
    health.heartbeat_record()
