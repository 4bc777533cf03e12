from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("cohorts/<slug:slug>/apply/<str:role>/", views.apply, name="apply"),
    path("applications/", views.dashboard, name="dashboard"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/edit/", views.edit, name="edit"),
    path("applications/<int:pk>/identity/", views.identity, name="identity"),
    path("applications/<int:pk>/submit/", views.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
