"""A person's own outcomes: listed, added and removed on their page (404 for anyone else's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import OutcomeForm
from .models import Outcome
from .selectors import outcomes_of, participations_of
from .services import outcome_add, outcome_delete


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
        {"form": form, "outcomes": outcomes_of(request.user), "several": len(participations) > 1},
    )


@login_required
@require_POST
def outcome_delete_view(request, pk: int):
    outcome = get_object_or_404(Outcome.objects.of_user(request.user), pk=pk)
    outcome_delete(outcome=outcome, by=request.user)
    messages.success(request, _("The outcome is removed."))
    return redirect("reports:outcomes")
