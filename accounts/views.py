from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .forms import ProfileForm
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
