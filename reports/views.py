"""A person's own outcomes and surveys (404 for anyone else's), and the cohort report for staff (403 without
the reports permission)."""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.exports import safe_cell
from cohorts.models import Cohort, Program

from .forms import OutcomeForm, SurveyForm
from .models import Outcome, SurveyInvitation
from .report import Report, build_report
from .selectors import open_surveys_of, outcomes_of, participations_of
from .services import SurveyClosed, outcome_add, outcome_delete, survey_answer


@login_required
def outcomes(request):
    participations = participations_of(request.user)
    form = None
    if participations:
        form = OutcomeForm(request.POST or None, user=request.user, participations=participations)
        if request.method == "POST" and form.is_valid():
            outcome_add(**form.cleaned_data, by=request.user)
            messages.success(request, _("Thank you! Your outcome is saved."))
            return redirect("reports:outcomes")
    return render(
        request,
        "reports/outcomes.html",
        {
            "form": form,
            "outcomes": outcomes_of(request.user),
            "several": len(participations) > 1,
            "surveys": open_surveys_of(request.user),
        },
    )


@login_required
@require_POST
def outcome_delete_view(request, pk: int):
    outcome = get_object_or_404(Outcome.objects.of_user(request.user), pk=pk)
    outcome_delete(outcome=outcome, by=request.user)
    messages.success(request, _("The outcome is removed."))
    return redirect("reports:outcomes")


@login_required
def survey(request, pk: int):
    invitation = get_object_or_404(
        SurveyInvitation.objects.of_user(request.user).select_related("participant__cohort__program"), pk=pk
    )
    response = getattr(invitation, "response", None)
    is_open = invitation.is_open()
    form = SurveyForm(request.POST or None, response=response) if is_open else None
    if request.method == "POST" and not is_open:
        messages.error(request, _("This survey has closed: its answers can no longer be changed."))
        return redirect("reports:survey", pk=invitation.pk)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(invitation=invitation, **form.answers())
        except SurveyClosed as error:
            messages.error(request, error.message)
            return redirect("reports:survey", pk=invitation.pk)
        messages.success(request, _("Thank you! Your answers are saved. You can change them until the survey closes."))
        return redirect("reports:survey", pk=invitation.pk)
    return render(
        request,
        "reports/survey.html",
        {"invitation": invitation, "form": form, "response": response, "is_open": is_open},
    )


def reports_staff(view):
    """Logged in (else the login page), and allowed to see reports (else 403)."""
    return login_required(permission_required("reports.view_cohort_report", raise_exception=True)(view))


@reports_staff
def index(request):
    programs = Program.objects.prefetch_related("cohorts").order_by("name_en")
    return render(request, "reports/index.html", {"programs": programs})


def _cohort_report(slug: str) -> Report:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), slug=slug)
    return build_report([cohort])


def _program_report(slug: str) -> Report:
    program = get_object_or_404(Program, slug=slug)
    return build_report(list(program.cohorts.select_related("program")))


SCOPES = {"cohort": _cohort_report, "program": _program_report}


def scoped(view):
    @wraps(view)
    def wrapper(request, scope: str, slug: str, **kwargs):
        if scope not in SCOPES:
            raise Http404
        return view(request, scope=scope, slug=slug, report=SCOPES[scope](slug), **kwargs)

    return wrapper


@reports_staff
@scoped
def report(request, scope: str, slug: str, report: Report):
    program = report.cohorts[0].program if report.cohorts else Program.objects.filter(slug=slug).first()
    context = {"report": report, "scope": scope, "slug": slug, "program": program, "now_day": timezone.localdate()}
    return render(request, "reports/report.html", context)


@reports_staff
@scoped
def report_csv(request, scope: str, slug: str, report: Report, table: str):
    found = report.table(table)
    if found is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{table}.csv"'
    response.write("\ufeff")  # a byte-order mark: spreadsheets then read the accents right
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in found.header])
    writer.writerows([safe_cell(cell) for cell in row] for row in found.rows)
    return response
