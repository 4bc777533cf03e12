"""The site's header is written by a tag (mentorship/templatetags/site_chrome.py) in the markup, and with the
sentences, that its templates wrote, kept here as the reference."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from accounts.tests.factories import StaffFactory, UserFactory
from mentorship.tests.markup import normal

pytestmark = pytest.mark.django_db

THE_TEMPLATES = """{% load i18n people %}
<header>
  <nav class="navbar navbar-expand-md bg-body-tertiary border-bottom" aria-label="{% translate 'Main navigation' %}">
    <div class="container">
      <a class="navbar-brand fw-semibold" href="{% url 'home' %}">{% translate "Mentorship programs" %}</a>
      <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#site-nav"
              aria-controls="site-nav" aria-expanded="false" aria-label="{% translate 'Show or hide the menu' %}">
        <span class="navbar-toggler-icon"></span>
      </button>
      <div class="collapse navbar-collapse" id="site-nav">
        <ul class="navbar-nav me-auto">
          <li class="nav-item"><a class="nav-link" href="{% url 'home' %}">{% translate "Home" %}</a></li>
          <li class="nav-item"><a class="nav-link" href="{% url 'cohorts:programs' %}">{% translate "Programs" %}</a></li>
          {% if user.is_authenticated %}
            <li class="nav-item"><a class="nav-link" href="{% url 'applications:dashboard' %}">{% translate "My applications" %}</a></li>
            <li class="nav-item"><a class="nav-link" href="{% url 'meetings:home' %}">{% translate "My mentoring" %}</a></li>
            <li class="nav-item"><a class="nav-link" href="{% url 'accounts:profile' %}">{% translate "My profile" %}</a></li>
            {% if user.is_staff %}
              <li class="nav-item"><a class="nav-link" href="{% url 'admin:index' %}">{% translate "Staff site" %}</a></li>
            {% endif %}
          {% endif %}
        </ul>
        <ul class="navbar-nav align-items-md-center gap-md-2">
          {% if user.is_authenticated %}
            <li class="nav-item navbar-text">{{ user|person }}</li>
            <li class="nav-item">
              <form method="post" action="{% url 'account_logout' %}">
                {% csrf_token %}
                <button type="submit" class="btn btn-link nav-link">{% translate "Log out" %}</button>
              </form>
            </li>
          {% else %}
            <li class="nav-item"><a class="nav-link" href="{% url 'account_login' %}">{% translate "Log in" %}</a></li>
            <li class="nav-item"><a class="nav-link" href="{% url 'account_signup' %}">{% translate "Sign up" %}</a></li>
          {% endif %}
          <li class="nav-item">{% get_current_language as LANGUAGE_CODE %}
{% get_available_languages as LANGUAGES %}
<form method="post" action="{% url 'accounts:set_language' %}" class="language-switcher">
  {% csrf_token %}
  <input type="hidden" name="next" value="{{ request.get_full_path }}">
  {% for code, name in LANGUAGES %}
    {% if code != LANGUAGE_CODE %}
      {% get_language_info for code as language %}
      <button type="submit" name="language" value="{{ code }}" lang="{{ code }}" class="btn btn-outline-secondary btn-sm">
        {{ language.name_local|capfirst }}
      </button>
    {% endif %}
  {% endfor %}
</form></li>
        </ul>
      </div>
    </div>
  </nav>
</header>"""  # noqa: E501 (includes/navigation.html with includes/language_switcher.html, as they were)

OURS = "{% load site_chrome %}{% site_navigation %}"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def render(source: str, user) -> str:
    request = RequestFactory().get("/cohorts/?page=2&q=<b>")
    request.user = user
    html = Template(source).render(RequestContext(request, {}))
    return normal(TOKEN.sub('name="csrfmiddlewaretoken" value="…"', html))


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("who", ["anonymous", "person", "staff"])
def test_the_header_is_the_templates_own(language, who):
    user = {
        "anonymous": AnonymousUser,
        "person": lambda: UserFactory(preferred_name="Sam <b>", pronouns="they/them"),
        "staff": StaffFactory,
    }[who]()
    with translation.override(language):
        ours, theirs = render(OURS, user), render(THE_TEMPLATES, user)

    assert ours == theirs
    assert ours.count("csrfmiddlewaretoken") == (1 if who == "anonymous" else 2)
    assert ("/admin/" in ours) is (who == "staff")
    assert 'name="next" value="/cohorts/?page=2&amp;q=' in ours  # back to the same page


def test_the_server_error_page_has_its_header_without_a_request():
    page = Template("{% load site_chrome %}{% site_navigation %}").render(Context({}))

    assert normal(page) == normal(Template(THE_TEMPLATES).render(Context({})))
    assert "Log in" in page
    assert "csrfmiddlewaretoken" not in page
