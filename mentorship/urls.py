from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Mentorship programs: staff")
admin.site.site_title = _("Mentorship staff")
admin.site.index_title = _("Programs, people and schedules")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("", include("cohorts.urls")),
    path("", include("applications.urls")),
    path("", include("events.urls")),
    path("", include("meetings.urls")),
    path("admin/", admin.site.urls),
]
