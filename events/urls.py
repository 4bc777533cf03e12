from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/<int:pk>/", views.mine, name="mine"),
    path("events/<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("events/<int:pk>/rate/", views.rate, name="rate"),
    path("events/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("events/<int:pk>/run-sheet/", views.run_sheet, name="run_sheet"),
    path("events/<int:pk>/projector/", views.projector, name="projector"),
    path("events/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("events/<int:pk>/completion/", views.completion, name="completion"),
]
