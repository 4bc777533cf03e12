import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

# A staff session's expiry is pushed back at most this often: a session write per minute, not per request.
# The idle limit is therefore met between STAFF_SESSION_IDLE_MINUTES - 1 and STAFF_SESSION_IDLE_MINUTES.
STAFF_SESSION_REFRESH_SECONDS = 60
STAFF_SESSION_REFRESHED_AT = "staff_session_refreshed_at"


class UserLanguageMiddleware:
    """A signed-in person's saved language wins over the browser's and the cookie's.

    Runs after LocaleMiddleware (which handles anonymous visitors) and AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


def staff_session_keep_alive(*, request, force: bool = False) -> None:
    """Give a staff session the short, sliding expiry of STAFF_SESSION_IDLE_MINUTES.

    Django's session engine ends the session once that time has passed without a refresh; the refresh
    is written at most once every STAFF_SESSION_REFRESH_SECONDS.
    """
    idle = settings.STAFF_SESSION_IDLE_MINUTES * 60
    session = request.session
    now = int(time.time())
    refreshed_at = session.get(STAFF_SESSION_REFRESHED_AT)
    if (
        not force
        and refreshed_at is not None
        and session.get_expiry_age() == idle  # a login (allauth's "remember me") may have set another
        and now - refreshed_at < STAFF_SESSION_REFRESH_SECONDS
    ):
        return
    session.set_expiry(idle)
    session[STAFF_SESSION_REFRESHED_AT] = now


def staff_session_on_login(sender, request, user, **kwargs) -> None:
    """Connected to ``user_logged_in`` (accounts/apps.py): a staff session is short from its first request."""
    if user.is_staff and request is not None and hasattr(request, "session"):
        staff_session_keep_alive(request=request, force=True)


class StaffSessionMiddleware:
    """Staff sessions expire after STAFF_SESSION_IDLE_MINUTES without a request; others keep the normal age.

    Works on the response, so that a request that has just logged someone in (or out) counts as theirs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            staff_session_keep_alive(request=request)
        return response


class StaffSecondFactorMiddleware:
    """No admin page opens for staff without an authenticator app: they are sent to set one up first.

    Logging in already asks for a code once a person has an authenticator (allauth's MFA stage); this
    makes having one a condition of the staff site. allauth's own pages (the setup page, logout) are
    outside the admin, so they stay reachable; the admin's logout is let through too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path_info.startswith(reverse("admin:index"))
            and request.path_info != reverse("admin:logout")
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
        ):
            messages.warning(
                request,
                _(
                    "The staff site holds people's personal details, so it needs a second factor. Set up an "
                    "authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
