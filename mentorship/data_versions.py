"""A token per database table that changes whenever the table's rows change, written by the database itself.

A page kept under the tokens of the tables it is drawn from can be served again until one of them changes
(mentorship/kept_pages.py). The tokens are written by triggers, in the same transaction as the change, whoever makes
it: a model's save, a query set's ``update()`` or ``delete()``, raw SQL, a bulk load, another process or machine.
Nothing in Python has to remember to invalidate anything.

- Each token is random, never a count: after a test's database is emptied and filled again, no old key comes back.
- On Postgres one trigger per table fires once per statement, also on TRUNCATE; SQLite (the quick start) has row
  triggers for insert, update and delete.
- A table may be watched for updates of some columns only (a person's ``last_login``, written at each sign-in,
  changes nothing a kept page shows).
- ``tokens()`` answers None when a table has no token row (the triggers are not installed yet, or a test emptied
  the table): the caller then draws the page as if nothing were kept.

Tables are watched by ``watch()`` when a module that keeps pages is imported (Django imports the admin modules at
start-up); ``install_triggers`` runs after every ``migrate`` (mentorship/apps.py) and puts a fresh token in each
table's row, so a table rebuilt by a migration (SQLite rebuilds tables to alter them) has its triggers back.
"""

from __future__ import annotations

import secrets

from django.db import connection, connections, models

TABLE = "mentorship_tableversion"  # written out in the SQL below
PREFIX = "mentorship_version_"

# table name -> the columns whose updates count, or None for every column
WATCHED: dict[str, tuple[str, ...] | None] = {}


def watch(model: type[models.Model], *, except_columns: tuple[str, ...] = ()) -> str:
    """Watch the model's table (any column, or all but ``except_columns`` for updates); returns the table's name."""
    table = model._meta.db_table
    columns = None
    if except_columns:
        columns = tuple(field.column for field in model._meta.concrete_fields if field.column not in except_columns)
    if table in WATCHED:  # watched for two pages: every column either of them counts
        earlier = WATCHED[table]
        columns = None if earlier is None or columns is None else tuple(dict.fromkeys(earlier + columns))
    WATCHED[table] = columns
    return table


def tokens(tables: tuple[str, ...]) -> tuple[str, ...] | None:
    """The tokens of ``tables``, in that order, read in one query; None when a table has none."""
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(tables))
        cursor.execute(f'SELECT "table", token FROM mentorship_tableversion WHERE "table" IN ({placeholders})', tables)  # noqa: S608
        found = dict(cursor.fetchall())
    if len(found) != len(tables):
        return None
    return tuple(found[table] for table in tables)


def _postgres(quote, table: str, columns: tuple[str, ...] | None) -> list[str]:
    update = "UPDATE" if columns is None else f"UPDATE OF {', '.join(quote(column) for column in columns)}"
    trigger = quote(f"{PREFIX}{table}")
    return [
        f"DROP TRIGGER IF EXISTS {trigger} ON {quote(table)}",
        f"CREATE TRIGGER {trigger} AFTER INSERT OR {update} OR DELETE OR TRUNCATE ON {quote(table)} "
        "FOR EACH STATEMENT EXECUTE FUNCTION mentorship_table_changed()",
    ]


POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION mentorship_table_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mentorship_tableversion ("table", token)
    VALUES (TG_TABLE_NAME, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT ("table") DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$
"""


def _sqlite(quote, table: str, columns: tuple[str, ...] | None) -> list[str]:
    statements = []
    for event in ("INSERT", "UPDATE", "DELETE"):
        trigger = quote(f"{PREFIX}{table}_{event.lower()}")
        when = event
        if event == "UPDATE" and columns is not None:
            when = f"UPDATE OF {', '.join(quote(column) for column in columns)}"
        statements += [
            f"DROP TRIGGER IF EXISTS {trigger}",
            # Names from the app registry, quoted: no value from outside goes into this SQL.
            f"CREATE TRIGGER {trigger} AFTER {when} ON {quote(table)} BEGIN "  # noqa: S608
            f"INSERT INTO mentorship_tableversion (\"table\", token) VALUES ('{table}', lower(hex(randomblob(16)))) "
            f'ON CONFLICT ("table") DO UPDATE SET token = excluded.token; END',
        ]
    return statements


def install_triggers(using=None, **_kwargs) -> None:
    """Put the triggers on every watched table and a fresh token in its row (a ``post_migrate`` receiver).

    On a database other than Postgres or SQLite nothing is installed: no table has a token, nothing is kept."""
    target = connections[using or "default"]
    statements_for = {"postgresql": _postgres, "sqlite": _sqlite}.get(target.vendor)
    existing = set(target.introspection.table_names())
    if statements_for is None or TABLE not in existing:
        return  # mentorship's migration has not run on this database yet
    quote = target.ops.quote_name
    with target.cursor() as cursor:
        if target.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
        for table, columns in sorted(WATCHED.items()):
            if table not in existing:
                continue
            for statement in statements_for(quote, table, columns):
                cursor.execute(statement)
            cursor.execute('DELETE FROM mentorship_tableversion WHERE "table" = %s', [table])
            cursor.execute(
                'INSERT INTO mentorship_tableversion ("table", token) VALUES (%s, %s)', [table, secrets.token_hex(16)]
            )
