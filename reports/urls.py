from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("me/outcomes/", views.outcomes, name="outcomes"),
    path("me/outcomes/<int:pk>/delete/", views.outcome_delete_view, name="outcome_delete"),
]
