from copy import copy

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from .erasure import ErasureRefused, erasure_refusal, person_erase, personal_data_export
from .forms import DeleteAccountForm, ProfileForm
from .services import user_language_set, user_profile_update


@require_POST
def set_language(request):
    """The language switcher: Django's set_language, and for a signed-in person, saved to the account."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    return django_set_language(request)


@login_required
def profile(request):
    # A copy: a rejected form must not leave half-changed values on the signed-in user.
    form = ProfileForm(request.POST or None, instance=copy(request.user))
    if request.method == "POST" and form.is_valid():
        user = user_profile_update(user=request.user, **form.cleaned_data)
        translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_GET
@never_cache
def download_my_data(request):
    """Everything we hold about the signed-in person, as a JSON file (theirs only)."""
    data = personal_data_export(user=request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@never_cache
def delete_account(request):
    """Confirm with the password, then erase (accounts.erasure.person_erase) and sign out."""
    refusal = erasure_refusal(user=request.user, by=request.user)
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            person_erase(user=request.user, by=request.user)
        except ErasureRefused as error:
            refusal = error.message
        else:
            logout(request)
            return redirect("accounts:deleted")
    return render(request, "accounts/delete_account.html", {"form": form, "refusal": refusal})


def account_deleted(request):
    """Where a person lands after deleting their account (signed out by then)."""
    return render(request, "accounts/account_deleted.html")
