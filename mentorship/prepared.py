"""Query sets whose SQL is compiled once per process and run again with other ids or texts.

Django builds and compiles a query set's SQL each time it runs it. For the few queries every page asks (a person's
pairs, a pair by its key, the people of those pairs), building and compiling cost more than Postgres took to plan
and run them (bench/profile_pages.py). ``Prepared(build)`` builds ``build(*ids)`` once with stand-in ids, compiles
it, and notes where each id went among the SQL's parameters. Each later call runs that SQL with the real ids and
turns its rows into model instances exactly as the query set would (the same compiler state: selected columns,
related objects, annotations), then runs the query set's ``prefetch_related`` lookups.

- The values are ids (whole numbers), texts compared as they are (a slug, a role), or lists of ids: they go to the
  database unchanged. A list's length is part of the SQL (``IN (%s, %s)``), so the SQL is kept per length. An
  empty list, or a value that is neither a whole number in the range of an integer column (an address with a huge
  id) nor text without NUL, runs the query set as Django does.
- A call returns a list, never a query set: a prepared query cannot be filtered further by mistake.
- The SQL is kept per database vendor, in this process (a new release compiles it again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import QuerySet

STATE = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")
FIRST_STAND_IN = -7_000_000_001  # no row has a negative key


class _Compiled:
    def __init__(self, queryset: QuerySet, stand_ins: list):
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = compiler.as_sql()
        self.state = {name: getattr(compiler, name) for name in STATE}
        self.query = queryset.query
        self.iterable_class, self.fields = queryset._iterable_class, queryset._fields
        self.lookups = queryset._prefetch_related_lookups
        self.model, self.db = queryset.model, queryset.db
        where = {}  # stand-in -> (value's index, element's index or None)
        for index, value in enumerate(stand_ins):
            if isinstance(value, list):
                where.update({element: (index, position) for position, element in enumerate(value)})
            else:
                where[value] = (index, None)
        self.slots = [where.get(param) if isinstance(param, int | str) else None for param in params]
        self.params = list(params)
        found = {slot for slot in self.slots if slot is not None}
        if len(found) != len(where) or any(str(stand_in) in self.sql for stand_in in where):
            raise ValueError(f"an id of a prepared query is not one of its SQL's parameters: {self.sql}")

    def params_for(self, values: Sequence) -> list:
        params = self.params.copy()
        for position, slot in enumerate(self.slots):
            if slot is not None:
                index, element = slot
                params[position] = values[index] if element is None else values[index][element]
        return params


class _Query:
    """The compiled query set's query, whose compiler answers with the kept SQL and the call's parameters."""

    def __init__(self, compiled: _Compiled, params: list):
        self.compiled, self.params = compiled, params

    def __getattr__(self, name):  # what the iterables read of a query (the names of a values() query's columns)
        return getattr(self.compiled.query, name)

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = self.compiled.query.get_compiler(using, connection, elide_empty)
        compiler.__dict__.update(self.compiled.state)
        sql, params = self.compiled.sql, self.params
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler


def _flat(values):
    for value in values:
        yield from value if isinstance(value, list) else (value,)


def _plain_value(value) -> bool:
    """A whole number any key column holds, or text without NUL: passed to the database as it is."""
    if type(value) is int:
        return -(2**31) <= value < 2**31
    return type(value) is str and "\x00" not in value


class Prepared:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.compiled: dict[tuple, _Compiled] = {}

    def __call__(self, *values) -> list:
        values = [list(value) if isinstance(value, list | tuple | set) else value for value in values]
        # a list's length or a single value's type: what the SQL depends on
        shape = tuple(len(value) if isinstance(value, list) else type(value) for value in values)
        if any(part == 0 for part in shape) or not all(map(_plain_value, _flat(values))):
            return list(self.build(*values))  # Django's own way: no row, or its answer to a value out of range
        key = (connections["default"].vendor, shape)
        compiled = self.compiled.get(key)
        if compiled is None:
            stand_ins, next_id = [], FIRST_STAND_IN
            for part in shape:
                if part is int or part is str:
                    stand_ins.append(next_id if part is int else f"~prepared{next_id}~")
                    next_id -= 1
                else:
                    stand_ins.append(list(range(next_id, next_id - part, -1)))
                    next_id -= part
            compiled = self.compiled.setdefault(key, _Compiled(self.build(*stand_ins), stand_ins))
        query = _Query(compiled, compiled.params_for(values))
        queryset = QuerySet(model=compiled.model, query=query, using=compiled.db)
        queryset._iterable_class, queryset._fields = compiled.iterable_class, compiled.fields
        queryset._prefetch_related_lookups = compiled.lookups
        return list(queryset)
