"""The site's URLs plus two that fail on purpose, to look at the 403 and 500 pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from mentorship.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("forbidden/", forbidden), path("broken/", broken), *site_urlpatterns]
