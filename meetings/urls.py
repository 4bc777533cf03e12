from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("mentoring/", views.home, name="home"),
    path("mentoring/pairs/<int:match_id>/", views.pair, name="pair"),
    path("mentoring/pairs/<int:match_id>/weeks/<int:number>/log/", views.log_week, name="log_week"),
    path("mentoring/logs/<int:log_id>/edit/", views.log_edit, name="log_edit"),
    path("mentoring/logs/<int:log_id>/answer/", views.log_respond, name="log_respond"),
    path("mentoring/go/<str:token>/", views.log_link, name="log_link"),
    path("mentoring/pause/<str:token>/", views.pause_link, name="pause_link"),
]
