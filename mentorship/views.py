from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cohorts.models import Program
from matching.models import Match

from .health import health_report


def home(request):
    matches = []
    if request.user.is_authenticated:
        matches = (
            Match.objects.active()
            .for_user(request.user)
            .select_related("mentee__user", "mentor__user", "run__cohort__program")
        )
    return render(request, "home.html", {"programs": Program.objects.all(), "matches": matches})


@never_cache
@require_GET
def healthz(request):
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
