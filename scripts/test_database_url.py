"""Print the database URL the test suite should use, and say which one on stderr.

DATABASE_URL if set; else the local Postgres on 127.0.0.1:5432 if it answers; else SQLite.
"""

import os
import socket
import sys

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/mentorship"


def postgres_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        source = "DATABASE_URL"
    elif postgres_answers():
        url, source = LOCAL_POSTGRES, "the local Postgres on 127.0.0.1:5432"
    else:
        url, source = "sqlite:///test-db.sqlite3", "SQLite (no DATABASE_URL and no local Postgres)"
    print(f"make test: database from {source}: {url.split('@')[-1]}", file=sys.stderr)
    print(url)


if __name__ == "__main__":
    main()
