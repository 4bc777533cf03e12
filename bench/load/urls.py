"""The product's URLs plus ``/bench/bare/``: a bare Django view (no template, no database, no session read),
served through the same middleware by the same gunicorn. Used by the load test only (``bench.load.settings``).

``/bench/chrome/`` is the site's empty page (``base.html``: navigation, messages, footer) for a signed-in person:
what every page costs before its own content, for ``bench/profile_pages.py`` (the load test does not ask it)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from mentorship.urls import urlpatterns as product_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
def chrome(request):
    return render(request, "base.html")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/chrome/", chrome, name="bench_chrome"),
    *product_urlpatterns,
]
