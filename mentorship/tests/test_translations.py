"""The French catalogue is complete and current, and French pages show no English."""

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import allauth
import polib
import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import service_missing

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
ALLAUTH_CATALOGUE = Path(allauth.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_french_translation_that_keeps_its_placeholders():
    catalogue = polib.pofile(str(CATALOGUE))

    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    for entry in catalogue:
        placeholders = set(re.findall(r"%\(\w+\)[sd]", entry.msgid + entry.msgid_plural))
        forms = translations(entry)
        for translation in forms:  # a singular form may say "one" instead of its count
            assert set(re.findall(r"%\(\w+\)[sd]", translation)) <= placeholders, entry.msgid
            assert translation.strip(), entry.msgid
        assert set(re.findall(r"%\(\w+\)[sd]", forms[-1])) == placeholders, entry.msgid


def translations(entry) -> list[str]:
    """The French of an entry: its one translation, or each plural form."""
    if not entry.msgid_plural:
        return [entry.msgstr]
    return [entry.msgstr_plural[key] for key in sorted(entry.msgstr_plural)]


def test_the_compiled_catalogue_matches_the_source():
    source = {entry.msgid: translations(entry) for entry in polib.pofile(str(CATALOGUE))}
    compiled = {
        entry.msgid: translations(entry) for entry in polib.mofile(str(CATALOGUE.with_suffix(".mo"))) if entry.msgid
    }

    assert compiled == source, "run `make messages` to compile the French catalogue"


def test_no_user_facing_string_is_missing_from_the_catalogue(tmp_path):
    if not shutil.which("xgettext"):
        service_missing("gettext's xgettext is needed to extract the strings (apt-get install gettext)")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".*", "staticfiles", "test-output", "node_modules", "__pycache__", "*.sqlite3"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "fr", "--no-obsolete"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "LANG": "C.UTF-8"},
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = {entry.msgid for entry in polib.pofile(str(copy / CATALOGUE.relative_to(ROOT)))}
    committed = {entry.msgid for entry in polib.pofile(str(CATALOGUE))}

    assert extracted - committed == set(), "new strings: run `make messages` and translate them"


class VisibleText(HTMLParser):
    """What a person reads or hears in French: text outside scripts and styles, and the labels of
    controls; not what is marked as another language (the switcher's "English")."""

    def __init__(self, language: str = "fr"):
        super().__init__()
        self.language = language
        self.parts: list[str] = []
        self._hidden = 0
        self._foreign: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "option"):  # options are time zone names, the same in every language
            self._hidden += 1
        if dict(attrs).get("lang", self.language) != self.language:
            self._foreign.append(tag)
            self._hidden += 1
        for name, value in attrs:
            if name in ("aria-label", "placeholder", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "option"):
            self._hidden -= 1
        if self._foreign and self._foreign[-1] == tag:
            self._foreign.pop()
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str, language: str = "fr") -> str:
    parser = VisibleText(language)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_phrases() -> list[str]:
    """Our strings, and allauth's sentences, whose French differs from the English."""
    phrases = []
    for path, shortest in ((CATALOGUE, 1), (ALLAUTH_CATALOGUE, 2)):
        for entry in polib.pofile(str(path)):
            text = entry.msgid
            translated = entry.msgstr and entry.msgstr != text
            if translated and "%" not in text and "{" not in text and len(text.split()) >= shortest:
                phrases.append(text)
    return phrases


ANONYMOUS_PAGES = [
    "home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]
SIGNED_IN_PAGES = ["home", "accounts:profile", "account_email", "account_change_password", "account_logout"]


@pytest.mark.django_db
def test_french_pages_show_no_english(client):
    phrases = english_phrases()
    pages = {name: client.get(reverse(name), headers={"accept-language": "fr"}) for name in ANONYMOUS_PAGES}
    pages["signup with errors"] = client.post(
        reverse("account_signup"), {"email": "nope", "time_zone": "Nowhere"}, headers={"accept-language": "fr"}
    )
    pages["not found"] = client.get("/no-such-page/", headers={"accept-language": "fr"})
    client.force_login(UserFactory(language="fr"))
    pages |= {f"signed in: {name}": client.get(reverse(name)) for name in SIGNED_IN_PAGES}

    for name, response in pages.items():
        assert response.status_code in (200, 404), name
        text = visible_text(response.content.decode())
        english = [phrase for phrase in phrases if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)]
        assert english == [], f"{name} shows English: {english}"
