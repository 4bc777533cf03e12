"""The product's URLs plus ``/bench/bare/``: a bare Django view (no template, no database, no session read),
served through the same middleware by the same gunicorn. Used by the load test only (``bench.load.settings``)."""

from django.http import HttpResponse
from django.urls import path

from mentorship.urls import urlpatterns as product_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *product_urlpatterns]
