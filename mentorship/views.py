from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cohorts.models import Program
from matching.models import Match
from meetings.selectors import pairs_of

from .health import health_report
from .prepared import Prepared

_programs = Prepared(lambda: Program.objects.all())  # compiled once per process (mentorship/prepared.py)


def home(request):
    pairs = []
    if request.user.is_authenticated:
        pairs = [pair for pair in pairs_of(request.user) if pair.match.status == Match.Status.ACTIVE]
    return render(request, "home.html", {"programs": _programs(), "pairs": pairs})


@never_cache
@require_GET
def healthz(request):
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
