from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("me/outcomes/", views.outcomes, name="outcomes"),
    path("me/outcomes/<int:pk>/delete/", views.outcome_delete_view, name="outcome_delete"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    # Under admin/: the staff site's second factor and idle timeout apply.
    path("admin/cohort-reports/", views.index, name="index"),
    path("admin/cohort-reports/<str:scope>/<slug:slug>/", views.report, name="report"),
    path("admin/cohort-reports/<str:scope>/<slug:slug>/<slug:table>.csv", views.report_csv, name="report_csv"),
]
