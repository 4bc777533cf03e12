"""``{% site_navigation %}``: the site's header (its menu, the person signed in, log out, the language switcher).

Written here rather than by a template: every page of the site draws it, and the template's links, translations
and two forms were a tenth of a light page's time (bench/profile_pages.py, page ``chrome``). The markup and the
sentences (the same message ids) are the template's, kept as the reference in mentorship/tests/test_site_chrome.py.
"""

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, gettext

from mentorship.kept_markup import Kept, digest
from mentorship.markup import csrf_input

from .people import person

register = template.Library()

MENUS = Kept(16)  # by language, and whether the person is signed in and staff


def _link(url: str, words: str) -> SafeString:
    return format_html('<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>', url, words)


def _menu(user) -> str:
    return MENUS.get_or_draw(digest(user.is_authenticated, user.is_staff), lambda: _draw_menu(user))


def _draw_menu(user) -> SafeString:
    links = [_link(reverse("home"), gettext("Home")), _link(reverse("cohorts:programs"), gettext("Programs"))]
    if user.is_authenticated:
        links += [
            _link(reverse("applications:dashboard"), gettext("My applications")),
            _link(reverse("meetings:home"), gettext("My mentoring")),
            _link(reverse("accounts:profile"), gettext("My profile")),
        ]
        if user.is_staff:
            links.append(_link(reverse("admin:index"), gettext("Staff site")))
    return format_html_join("", "{}", ((link,) for link in links))


def _account(context, user) -> SafeString:
    if not user.is_authenticated:
        return format_html(
            "{}{}",
            _link(reverse("account_login"), gettext("Log in")),
            _link(reverse("account_signup"), gettext("Sign up")),
        )
    return format_html(
        '<li class="nav-item navbar-text">{}</li><li class="nav-item"><form method="post" action="{}">{}'
        '<button type="submit" class="btn btn-link nav-link">{}</button></form></li>',
        person(user),
        reverse("account_logout"),
        csrf_input(context),
        gettext("Log out"),
    )


def _language_switcher(context) -> SafeString:
    current = get_language()
    buttons = format_html_join(
        "",
        '<button type="submit" name="language" value="{}" lang="{}" class="btn btn-outline-secondary btn-sm">{}'
        "</button>",
        (
            (code, code, capfirst(get_language_info(code)["name_local"]))
            for code, _name in settings.LANGUAGES
            if code != current
        ),
    )
    return format_html(
        '<form method="post" action="{}" class="language-switcher">{}'
        '<input type="hidden" name="next" value="{}">{}</form>',
        reverse("accounts:set_language"),
        csrf_input(context),
        context.request.get_full_path() if getattr(context, "request", None) else "",
        buttons,
    )


@register.simple_tag(takes_context=True)
def site_navigation(context) -> SafeString:
    user = context.get("user") or AnonymousUser()  # none on the server error page, drawn without a request
    return format_html(
        '<header><nav class="navbar navbar-expand-md bg-body-tertiary border-bottom" aria-label="{}">'
        '<div class="container"><a class="navbar-brand fw-semibold" href="{}">{}</a>'
        '<button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#site-nav" '
        'aria-controls="site-nav" aria-expanded="false" aria-label="{}"><span class="navbar-toggler-icon"></span>'
        '</button><div class="collapse navbar-collapse" id="site-nav"><ul class="navbar-nav me-auto">{}</ul>'
        '<ul class="navbar-nav align-items-md-center gap-md-2">{}<li class="nav-item">{}</li></ul></div></div></nav>'
        "</header>",
        gettext("Main navigation"),
        reverse("home"),
        gettext("Mentorship programs"),
        gettext("Show or hide the menu"),
        mark_safe(_menu(user)),  # noqa: S308 (drawn by _draw_menu)
        _account(context, user),
        _language_switcher(context),
    )
