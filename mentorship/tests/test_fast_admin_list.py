"""The admin's change lists write their rows with our tag (mentorship/templatetags/fast_admin_list.py), and every
row of every list is what Django's own ``items_for_result`` writes."""

import pytest
from django.conf import settings as project_settings
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_list as djangos_result_list
from django.contrib.admin.templatetags.admin_list import results
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation

from accounts.tests.factories import StaffFactory, UserFactory
from applications.models import Application
from applications.tests.factories import (
    ApplicationFactory,
    MentorApplicationFactory,
    OutreachChannelFactory,
    ReviewFactory,
)
from meetings.tests.factories import MeetingLogFactory, pair
from mentorship.templatetags.fast_admin_list import fast_results, result_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_data():
    """Rows with every kind of cell: links, choices, dates, booleans, foreign keys, empty values, methods."""
    channel = OutreachChannelFactory(name_en="A <meetup> & more")
    reviewed = ApplicationFactory(outreach_channel=channel, is_alumni=True, user=UserFactory(preferred_name="Zoë <Z>"))
    ReviewFactory(application=reviewed)
    ApplicationFactory(status=Application.Status.DRAFT, submitted_at=None, is_alumni=False)
    MentorApplicationFactory(user=UserFactory(preferred_name=""))
    MeetingLogFactory(match=pair(), met=False, not_met_reason="Travelling")
    MeetingLogFactory()


def changelists(filters: dict):
    """The change list of every model on the admin site that shows rows, for a superuser, with ``filters``."""
    request = RequestFactory().get("/admin/", filters)
    request.user = StaffFactory()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        model_request = RequestFactory().get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/", filters)
        model_request.user = request.user
        try:
            changelist = model_admin.get_changelist_instance(model_request)
        except admin.options.IncorrectLookupParameters:
            continue
        changelist.formset = None
        if changelist.result_list:
            yield model, changelist


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("filters", [{}, {"o": "2"}, {"q": "example"}], ids=["plain", "sorted", "searched"])
def test_every_change_list_row_is_djangos_own(varied_data, language, filters):
    shown = []
    with translation.override(language):
        for model, changelist in changelists(filters):
            ours = [[str(cell) for cell in row] for row in fast_results(changelist)]
            djangos = [[str(cell) for cell in row] for row in results(changelist)]
            assert ours == djangos, model
            shown.append(model._meta.model_name)
    assert {"application", "user", "participant", "meetinglog"} <= set(shown) or filters


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_change_list_table_is_djangos_own(varied_data, language):
    """The whole table, headers and rows, written by our tag and template is what Django's write."""
    compared = 0
    with translation.override(language):
        for model, changelist in changelists({}):
            ours = get_template("admin/fast_change_list_results.html").render(result_list(changelist))
            djangos = get_template("admin/change_list_results.html").render(djangos_result_list(changelist))
            assert ours == djangos, model
            compared += '<tr><td class="action-checkbox">' in ours or "<tr><th" in ours
    assert compared >= 4


def test_the_admin_change_list_uses_the_tag():
    origin = get_template("admin/change_list.html").origin.name
    assert origin == str(project_settings.BASE_DIR / "templates/admin/change_list.html")
