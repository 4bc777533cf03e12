from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from .calendar import participant_from_token, sessions_calendar
from .models import Cohort, Participant, Program, Role


def program_list(request):
    programs = Program.objects.prefetch_related(Prefetch("cohorts", queryset=Cohort.objects.order_by("-start_date")))
    return render(request, "cohorts/program_list.html", {"programs": programs})


def program_detail(request, slug: str):
    program = get_object_or_404(Program, slug=slug)
    cohorts = program.cohorts.order_by("-start_date")
    return render(request, "cohorts/program_detail.html", {"program": program, "cohorts": cohorts})


def cohort_detail(request, slug: str):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), slug=slug)
    applications = {}
    if request.user.is_authenticated:
        applications = {a.role: a for a in cohort.applications.filter(user=request.user)}
    roles = [(role, label, applications.get(role)) for role, label in Role.choices]
    context = {
        "cohort": cohort,
        "sessions": cohort.sessions.all(),
        "stage": cohort.stage(),
        "accepting": cohort.is_accepting_applications(),
        "roles": roles,
    }
    return render(request, "cohorts/cohort_detail.html", context)


def calendar_feed(request, token: str):
    participant_id = participant_from_token(token)
    if participant_id is None:
        raise Http404
    participant = get_object_or_404(Participant.objects.active().select_related("cohort"), pk=participant_id)
    response = HttpResponse(sessions_calendar(participant), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{participant.cohort.slug}.ics"'
    return response
