from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Mentorship programs: staff")
admin.site.site_title = _("Mentorship staff")
admin.site.index_title = _("Programs, people and schedules")


def admin_login(request, extra_context=None):
    """The admin's login page, replaced: everyone logs in through allauth, whose rate limits and
    second-factor stage the admin's own form would skip. The page they asked for (?next=) is kept."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if not request.user.is_staff:
            raise PermissionDenied  # allauth would send a signed-in person straight back: no loop
        return redirect(next_url)
    return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


admin.site.login = admin_login

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("", include("cohorts.urls")),
    path("", include("applications.urls")),
    path("", include("events.urls")),
    path("", include("meetings.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
]
