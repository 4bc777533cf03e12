from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from cohorts.calendar import feed_token
from cohorts.models import Cohort, Participant, Role
from mentorship.prepared import Prepared

from . import services
from .forms import ApplicationForm, SelfIdentificationForm
from .identity import IDENTITY_QUESTIONS
from .models import Application, SelfIdentification

# Compiled once per process (mentorship/prepared.py): every visit to an application form asks them.
_cohort_by_slug = Prepared(lambda slug: Cohort.objects.select_related("program").filter(slug=slug))
_application_of = Prepared(
    lambda user_id, cohort_id, role: (
        Application.objects.of(user_id)
        .filter(cohort=cohort_id, role=role)
        .order_by("pk")
        .values_list("pk", flat=True)[:1]
    )
)


def _own_application(request, pk: int) -> Application:
    """The signed-in person's application; anyone else's id is a 404."""
    return get_object_or_404(Application.objects.of(request.user).select_related("cohort__program"), pk=pk)


def _continue_to(application: Application, action: str):
    if action == "continue":
        return redirect("applications:identity", pk=application.pk)
    return redirect("applications:edit", pk=application.pk)


@login_required
def apply(request, slug: str, role: str):
    found = _cohort_by_slug(slug)
    if not found or role not in Role.values:
        raise Http404
    cohort = found[0]
    if existing := _application_of(request.user.pk, cohort.pk, str(role)):
        return redirect("applications:edit", pk=existing[0])
    if not cohort.is_accepting_applications():
        messages.error(request, _("Applications to this cohort are closed."))
        return redirect(cohort)
    action = request.POST.get("action", "save")
    form = ApplicationForm(
        request.POST or None,
        cohort=cohort,
        role=role,
        application=None,
        strict=request.method == "GET" or action == "continue",  # GET: show what submitting needs
        initial={"time_zone": request.user.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                cohort=cohort, user=request.user, role=role, data=form.service_data()
            )
        except services.ApplicationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(cohort)
        messages.success(request, _("Your draft is saved. You can come back to it until the deadline."))
        return _continue_to(application, action)
    return render(request, "applications/form.html", {"form": form, "cohort": cohort, "role": role})


@login_required
def edit(request, pk: int):
    application = _own_application(request, pk)
    if not application.is_open_for_changes:
        messages.info(request, _("This application can no longer be changed."))
        return redirect(application)
    action = request.POST.get("action", "save")
    form = ApplicationForm(
        request.POST or None,
        cohort=application.cohort,
        role=application.role,
        application=application,
        strict=request.method == "GET" or action == "continue" or application.status == Application.Status.SUBMITTED,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_save(application=application, by=request.user, data=form.service_data())
        except services.ApplicationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(application)
        if application.status == Application.Status.SUBMITTED:
            messages.success(request, _("Your changes are saved. Your application stays submitted."))
        else:
            messages.success(request, _("Your draft is saved. You can come back to it until the deadline."))
        return _continue_to(application, action)
    return render(
        request,
        "applications/form.html",
        {"form": form, "cohort": application.cohort, "role": application.role, "application": application},
    )


# Error reports (django.views.debug) never show the posted answers, nor the saved ones in this view's variables.
@sensitive_variables()
@sensitive_post_parameters()
@login_required
def identity(request, pk: int):
    application = _own_application(request, pk)
    if not application.is_open_for_changes:
        return redirect(application)
    current = SelfIdentification.objects.filter(application=application).first()
    initial = {}
    if current:
        initial = {**current.answers, "share_with_match": current.share_with_match, "consent": True}
    form = SelfIdentificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "skip":
        return redirect(application)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_identification_save(
                application=application,
                answers=form.answers(),
                consent=form.cleaned_data["consent"],
                share_with_match=form.cleaned_data["share_with_match"],
            )
        except services.ApplicationError as error:
            form.add_error("consent", error.messages[0])
        else:
            return redirect(application)
    return render(request, "applications/identity.html", {"form": form, "application": application})


@login_required
def detail(request, pk: int):
    application = _own_application(request, pk)
    answers = application.answers.select_related("question").order_by("question__position", "question_id")
    context = {
        "application": application,
        "answers": answers,
        "confidence": application.confidence_ratings.select_related("statement").order_by("statement__position"),
        "missing": services.missing_for_submission(application)
        if application.status == Application.Status.DRAFT
        else [],
        "events": application.events.all(),
        "has_identity": SelfIdentification.objects.filter(application=application).exists(),
        "identity_questions": IDENTITY_QUESTIONS,
    }
    return render(request, "applications/detail.html", context)


@login_required
@require_POST
def submit(request, pk: int):
    application = _own_application(request, pk)
    try:
        services.application_submit(application=application, by=request.user)
    except services.ApplicationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your application is submitted. You can still edit it until the deadline."))
    return redirect(application)


@login_required
def withdraw(request, pk: int):
    application = _own_application(request, pk)
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, by=request.user)
        except services.ApplicationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect("applications:dashboard")
    return render(request, "applications/withdraw.html", {"application": application})


@login_required
def dashboard(request):
    applications = Application.objects.of(request.user).select_related("cohort__program").prefetch_related("events")
    participations = [
        (participant, reverse("cohorts:calendar", args=[feed_token(participant)]))
        for participant in Participant.objects.active()
        .filter(user=request.user)
        .select_related("cohort__program")
        .order_by("-joined_at")
    ]
    return render(
        request, "applications/dashboard.html", {"applications": applications, "participations": participations}
    )
