"""Hostile form values for the property-based tests of mentorship/tests/test_fuzz_forms.py, and what those
tests need around them: a snapshot of the database, one rolled-back transaction per example, and the count
of hostile inputs tried.

A form is fuzzed with ``form_data({field: strategy of valid values})``: each example keeps some fields
valid, replaces others with hostile values (very long strings, null bytes, unicode, HTML, SQL, numbers as
strings, lists for single values...), drops some, and may add unknown keys; it is posted either as
multipart or as a urlencoded body, like a browser.
"""

import contextlib
import os
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlencode

from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import translation
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Examples per form (FUZZ_EXAMPLES=500 for a longer hunt); an admin page, heavier, gets three fifths as many.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
ADMIN_EXAMPLES = max(EXAMPLES * 3 // 5, 5)


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,  # no .hypothesis/ folder in the work tree; a failure prints its reproduction blob
        print_blob=True,
        # CI (CI=true) replays the same inputs every run, so a merge is never blocked by an input no one
        # has seen; anywhere else each run draws new ones (a longer hunt: FUZZ_EXAMPLES=500).
        derandomize=os.environ.get("CI") == "true",
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


FUZZ = fuzz_settings(EXAMPLES)
FUZZ_ADMIN = fuzz_settings(ADMIN_EXAMPLES)

# How many hostile inputs each test posted (one per request), and how many of them saved something.
TRIED: Counter[str] = Counter()
SAVED: Counter[str] = Counter()

NASTY = [
    "",
    " ",
    "\t\r\n ",
    "\x00",
    "abc\x00def",
    "\x00" * 8,
    "%00",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "{{ 7|add:7 }}{% debug %}",
    "'; DROP TABLE accounts_user; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(10); --",
    "%' OR 1=1 --",
    "\\",
    "%s%s%s%n",
    "${jndi:ldap://example.invalid/a}",
    "../../../../etc/passwd",
    "0",
    "-1",
    "-0",
    "1.5",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "32768",
    "65536",
    "2147483648",
    "-9223372036854775809",
    "9223372036854775808",
    "9" * 400,
    "0x1F",
    "١٢٣",  # Arabic-Indic digits
    "²",  # a digit to str.isdigit(), not to int()
    "true",
    "None",
    "null",
    "on",
    "[]",
    "{}",
    '{"a": [1, 2]}',
    "2027-03-09",
    "2027-02-30",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2027-03-09T25:61:00",
    "12:00",
    "25:99",
    "\u202eevil\u202c",
    "\u200b\u200d\ufeff",
    "👩🏽‍💻🏳️‍⚧️",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "مرحبا بالعالم",
    "שלום",
    "漢字かなカナ",
    "\U0010ffff\uffff\ufffe",
    "\x1b[31mred\x1b[0m",
    "a" * 81,
]

# Any character that UTF-8 can carry: surrogates (category Cs) cannot be encoded in a request.
CHARACTERS = st.characters(exclude_categories=["Cs"])
LONG_SIZES = [255, 256, 301, 1001, 2001, 5001, 10_000, 100_000]
CHUNKS = ["a", "é", "👩🏽‍💻", "<b>x</b>", "\x00", "'--", "\u202e", "9"]


def _repeat(chunk: str, size: int) -> str:
    return (chunk * (size // len(chunk) + 1))[:size]


long_text = st.builds(
    _repeat, st.sampled_from(CHUNKS) | st.text(CHARACTERS, min_size=1, max_size=4), st.sampled_from(LONG_SIZES)
)
number_text = st.integers(min_value=-(2**80), max_value=2**80).map(str) | st.floats().map(str)
hostile_scalar = st.one_of(st.sampled_from(NASTY), st.text(CHARACTERS, max_size=40), number_text, long_text)
# A list posts the key several times (a single-value field given many values); an empty list drops it.
hostile_value = hostile_scalar | st.lists(hostile_scalar, max_size=3)

# Unknown keys: mass assignment (is_staff, status...), other forms' fields, ids of other people's objects.
# Multipart keys stay printable without quotes or line breaks (the test client would write a broken body).
MASS_ASSIGNMENT = ["is_staff", "is_superuser", "status", "user", "user_id", "role", "pk", "id", "cohort", "email",
                   "erased_at", "submitted_at", "csrfmiddlewaretoken", "__proto__", "action", "_save", "_continue",
                   "score_999999", "question_999999", "confidence_999999", "note_-1", "feedback_abc"]  # fmt: skip
PRINTABLE_KEY = st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters='"\\')
junk_key = st.sampled_from(MASS_ASSIGNMENT) | st.text(PRINTABLE_KEY, min_size=1, max_size=20)


@st.composite
def form_data(draw, fields: dict, *, junk: bool = True) -> dict:
    """POST data for a form: ``fields`` maps each field name to a strategy of valid values. A "clean"
    example keeps every field valid (so that saves happen and are checked); the others make a share of
    the fields hostile or missing, and may add unknown keys."""
    level = draw(st.sampled_from(["clean", "few", "many", "all"]))
    hostile_share = {"clean": 0, "few": 20, "many": 60, "all": 100}[level]
    data = {}
    for name, valid in fields.items():
        if draw(st.integers(0, 99)) < hostile_share:
            if draw(st.integers(0, 4)) == 0:
                continue  # missing
            data[name] = draw(hostile_value)
        else:
            data[name] = draw(valid)
    if junk and level != "clean":
        data |= draw(st.dictionaries(junk_key, hostile_value, max_size=3))
    return _within_budget(data)


BUDGET = 250_000  # characters a request carries at most: a few very long values, not forty


def _within_budget(data: dict) -> dict:
    spent = 0

    def cut(value):
        nonlocal spent
        if isinstance(value, list):
            return [cut(item) for item in value]
        if isinstance(value, str) and len(value) > 1000:
            value = value if spent + len(value) <= BUDGET else value[:1000]
            spent += len(value)
        return value

    return {key: cut(value) for key, value in data.items()}


encodings = st.sampled_from(["multipart", "urlencoded"])


# --- The fields of a page's form, as a browser would post them --------------------------------------


class _Forms(HTMLParser):
    """Every <form> of a page: its attributes, and for each field that a browser would post, the value it
    would post and what the page says of it (type, maxlength, min and max, the options of a select)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select = None
        self._option = None
        self._textarea = None

    def _fields(self) -> dict:
        return self.forms[-1]["fields"] if self.forms else {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": {}})
        elif "disabled" in attrs or (not attrs.get("name") and tag != "option"):
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            field = self._fields().setdefault(attrs["name"], {"type": kind, "values": [], "choices": []})
            field.update({key: attrs[key] for key in ("maxlength", "min", "max", "class") if key in attrs})
            field["required"] = "required" in attrs
            if kind in ("checkbox", "radio"):
                field["choices"].append(attrs.get("value", "on"))
                if "checked" in attrs:
                    field["values"].append(attrs.get("value", "on"))
            else:
                field["values"].append(attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = self._fields().setdefault(
                attrs["name"],
                {"type": "textarea", "values": [""], "choices": [], "maxlength": attrs.get("maxlength"),
                 "required": "required" in attrs},
            )  # fmt: skip
        elif tag == "select":
            self._select = self._fields().setdefault(
                attrs["name"],
                {"type": "select", "values": [], "choices": [], "multiple": "multiple" in attrs,
                 "required": "required" in attrs},
            )  # fmt: skip
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "", "selected" in attrs]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["values"][0] += data
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            value = self._textarea["values"][0]
            self._textarea["values"][0] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value, label, selected = self._option
            value = label.strip() if value is None else value
            self._select["choices"].append(value)
            if selected:
                self._select["values"].append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            if not self._select["values"] and not self._select["multiple"] and self._select["choices"]:
                self._select["values"].append(self._select["choices"][0])  # what a browser posts
            self._select = None


def page_form(html: str, form_id: str) -> dict:
    """{name: field} of the form ``form_id`` of the page (see _Forms)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["attrs"].get("id") == form_id:
            return form["fields"]
    raise AssertionError(f"no form {form_id!r} on the page")


def page_values(fields: dict) -> dict:
    """What a browser posts for ``fields`` as the page shows them."""
    return {name: field["values"] if len(field["values"]) != 1 else field["values"][0]
            for name, field in fields.items() if field["values"]}  # fmt: skip


def page_strategies(fields: dict, text) -> dict:
    """Valid values for each field of a page's form: as shown, or another value the page allows (a required
    field of an add form, shown empty, gets a value)."""
    strategies = {}
    for name, field in fields.items():
        shown = page_values({name: field}).get(name)
        keep = st.just(shown)
        required = field.get("required") and not shown
        choices = [choice for choice in field["choices"] if choice] if required else field["choices"]
        if field["type"] == "hidden" or name.endswith(("_0", "_1")):
            strategies[name] = keep
        elif field["type"] in ("checkbox", "radio", "select") and choices:
            if field["type"] == "checkbox" or field.get("multiple"):
                strategies[name] = keep | st.lists(st.sampled_from(choices), unique=True)
            else:
                strategies[name] = st.sampled_from(choices) if required else keep | st.sampled_from(choices)
        elif field["type"] == "number":
            low, high = int(field.get("min", -1000)), int(field.get("max", 1000))
            strategies[name] = keep | st.integers(low, high).map(str)
        elif field["type"] in ("text", "textarea"):
            size = int(field.get("maxlength") or 200)
            strategies[name] = text(size, min_size=1) if required else keep | text(size)
        else:
            strategies[name] = keep
    return strategies


def as_post(value) -> list[str] | str:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def post(client, url: str, data: dict, encoding: str = "multipart", *, name: str, **extra):
    """POST ``data`` as a browser would (multipart or urlencoded), counted as one hostile input of ``name``."""
    TRIED[name] += 1
    data = {key: as_post(value) for key, value in data.items() if value is not None}
    if encoding == "urlencoded":
        body = urlencode(data, doseq=True)
        return client.post(url, body, content_type="application/x-www-form-urlencoded", **extra)
    return client.post(url, data, **extra)


# --- The database before and after ----------------------------------------------------------------

NOT_SNAPSHOT = {
    "sessions.session",  # a login writes its session; no form writes here
    "auth.permission",
    "contenttypes.contenttype",
    "sites.site",
    "mentorship.tableversion",  # written by the database's triggers whenever a watched table changes
}


def _snapshot_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in NOT_SNAPSHOT
        and not model._meta.label_lower.startswith("django_celery_beat.")
    ]


def snapshot() -> dict[str, object]:
    """A fingerprint of every table a form could write: on PostgreSQL one query (a count and a hash of
    the rows of each table), elsewhere every row as plain tuples."""
    models = _snapshot_models()
    if connection.vendor != "postgresql":
        return {model._meta.label_lower: list(model._base_manager.order_by("pk").values_list()) for model in models}
    quote = connection.ops.quote_name
    # Table names from the app registry, quoted: no value from outside goes into this SQL.
    sql = " UNION ALL ".join(
        f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
        f"FROM {quote(model._meta.db_table)} t"
        for model in models
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.label_lower for model in models])
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}


def changes(before: dict, after: dict) -> dict[str, tuple]:
    """{table: (before, after)} for each table whose rows differ."""
    return {label: (state, after[label]) for label, state in before.items() if after[label] != state}


def only_changed(diff: dict, allowed: set[str]) -> None:
    unexpected = set(diff) - allowed
    assert not unexpected, f"tables written that this form has no business writing: {sorted(unexpected)}"


@contextlib.contextmanager
def rolled_back(client=None, user=None):
    """One example: a fresh client state (cookies, cache, outbox), then everything it wrote rolled back."""
    cache.clear()
    mail.outbox = []
    with translation.override("en"), transaction.atomic():
        if client is not None:
            client.cookies.clear()
            if user is not None:
                client.force_login(user)
        yield
        transaction.set_rollback(True)
