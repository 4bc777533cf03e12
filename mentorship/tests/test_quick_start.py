"""`make run` on a fresh machine: SQLite and in-process tasks, no DATABASE_URL or REDIS_URL. Every migration applies
and the demo is seeded; a mentor's pages and the staff's application list then open."""

from .test_deploy import manage

VISIT = """
from django.test import Client
from accounts.models import User
for email, paths in [
    ("amara.okafor@demo.example", ["/", "/mentoring/"]),
    ("staff@demo.example", ["/admin/applications/application/", "/admin/applications/application/?o=5"]),
]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=email))
    for path in paths:
        print(path, client.get(path).status_code)
"""


def test_the_quick_start_migrates_seeds_and_serves_on_sqlite(tmp_path):
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    migrated = manage("migrate", "--no-input", env=env)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    seeded = manage("seed_demo", env=env)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    visited = manage("shell", "--no-imports", "-c", VISIT, env=env)

    assert visited.returncode == 0, visited.stderr[-2000:]
    assert visited.stdout.split() == [
        "/", "200", "/mentoring/", "200",
        "/admin/applications/application/", "200", "/admin/applications/application/?o=5", "200",
    ]  # fmt: skip
