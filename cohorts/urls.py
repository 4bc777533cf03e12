from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("programs/", views.program_list, name="programs"),
    path("programs/<slug:slug>/", views.program_detail, name="program"),
    path("cohorts/<slug:slug>/", views.cohort_detail, name="cohort"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
