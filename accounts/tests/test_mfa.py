"""Staff accounts: a second factor before any admin page, allauth's login rate limits, short idle sessions."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from accounts.middleware import STAFF_SESSION_REFRESHED_AT
from accounts.models import User
from cohorts.models import Role
from cohorts.tests.factories import ParticipantFactory

from .factories import PASSWORD, StaffFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
ACTIVATE = reverse("mfa_activate_totp")
AUTHENTICATE = reverse("mfa_authenticate")
ADMIN = reverse("admin:index")
MUST_SET_UP = "it needs a second factor"


@pytest.fixture
def frozen():
    """Time stands still (at 10 seconds into a 30-second step), so a code computed here is the server's."""
    moment = timezone.now().replace(second=10, microsecond=0)
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller


def log_in(client, user, next_url: str = ADMIN):
    """Email and password on allauth's login page, as a person would."""
    return client.post(f"{LOGIN}?next={next_url}", {"login": user.email, "password": PASSWORD})


def wrong(code: str, by: int = 1) -> str:
    """Another code of the same length, certainly not the right one."""
    return f"{(int(code) + by) % 10 ** len(code):0{len(code)}}"


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


# --- A second factor before any admin page ---------------------------------------------------


@pytest.mark.parametrize("page", ["index", "cohorts_cohort_changelist", "accounts_user_change"])
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, page):
    staff = StaffFactory(mfa=False)
    client.force_login(staff)
    url = reverse(f"admin:{page}", args=[staff.pk] if page.endswith("_change") else [])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == ACTIVATE
    assert MUST_SET_UP in str(client.get(ACTIVATE, follow=True).content)
    assert client.post(url).url == ACTIVATE  # a form posted to the admin is refused the same way


def test_the_pages_to_set_it_up_and_logging_out_stay_open_to_them(client):
    client.force_login(StaffFactory(mfa=False))

    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.post(reverse("admin:logout")).url == "/"
    assert not logged_in(client)


def test_setting_up_the_authenticator_opens_the_admin(client, frozen):
    staff = StaffFactory(mfa=False)
    log_in(client, staff)
    assert client.get(ADMIN).url == ACTIVATE

    # allauth asks for the password again before a change of second factor, even just after logging in
    reauthenticate = client.get(ACTIVATE)
    assert reauthenticate.url.startswith(reverse("account_reauthenticate"))
    assert client.post(reauthenticate.url, {"password": PASSWORD}).url == ACTIVATE
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    assert "otpauth://totp/" in page.context["totp_url"]
    assert "issuer=Mentorship%20programs" in page.context["totp_url"]

    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))  # the app's code
    refused = client.post(ACTIVATE, {"code": wrong(code)})
    assert refused.status_code == 200
    assert refused.context["form"].errors["code"] == ["Incorrect code."]
    activated = client.post(ACTIVATE, {"code": code})

    assert activated.url == reverse("mfa_view_recovery_codes")  # to be kept somewhere safe
    assert set(Authenticator.objects.filter(user=staff).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    assert client.get(ADMIN).status_code == 200
    assert client.get(reverse("admin:cohorts_cohort_changelist")).status_code == 200


def test_staff_with_an_authenticator_are_asked_for_its_code_at_login(client, frozen):
    staff = StaffFactory()

    response = log_in(client, staff, next_url=reverse("admin:cohorts_cohort_changelist"))

    assert response.url == AUTHENTICATE
    assert not logged_in(client)  # the password alone is not enough
    assert client.get(ADMIN).url.startswith(reverse("admin:login"))
    refused = client.post(AUTHENTICATE, {"code": wrong(totp_code(staff))})
    assert refused.status_code == 200
    assert refused.context["form"].errors["code"] == ["Incorrect code."]
    assert not logged_in(client)

    accepted = client.post(AUTHENTICATE, {"code": totp_code(staff)})

    assert accepted.url == reverse("admin:cohorts_cohort_changelist")
    assert client.get(accepted.url).status_code == 200


def test_a_recovery_code_lets_staff_in_once(client):
    staff = StaffFactory()
    code = RecoveryCodes.activate(staff).generate_codes()[0]

    log_in(client, staff)
    accepted = client.post(AUTHENTICATE, {"code": code})

    assert accepted.url == ADMIN
    assert client.get(ADMIN).status_code == 200
    client.post(reverse("account_logout"))
    log_in(client, staff)
    again = client.post(AUTHENTICATE, {"code": code})
    assert again.status_code == 200
    assert again.context["form"].errors["code"] == ["Incorrect code."]
    assert not logged_in(client)


def test_wrong_codes_are_rate_limited_like_passwords(client, frozen):
    staff = StaffFactory()
    log_in(client, staff)
    for guess in range(1, 6):
        client.post(AUTHENTICATE, {"code": wrong(totp_code(staff), by=guess)})

    response = client.post(AUTHENTICATE, {"code": totp_code(staff)})

    assert response.status_code == 200
    assert not logged_in(client)
    assert "Too many failed login attempts" in str(response.context["form"].errors)


def test_the_admin_login_page_sends_people_to_allauths_login_keeping_the_page_asked_for(client):
    deep = reverse("admin:cohorts_cohort_changelist")

    assert client.get(deep).url == f"{reverse('admin:login')}?next={deep}"
    response = client.get(reverse("admin:login"), {"next": deep})
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=%2Fadmin%2Fcohorts%2Fcohort%2F"
    assert client.get(reverse("admin:login")).url == f"{LOGIN}?next=%2Fadmin%2F"
    assert client.get(reverse("admin:login"), {"next": "https://elsewhere.example/"}).url == f"{LOGIN}?next=%2Fadmin%2F"


def test_the_admin_login_form_cannot_be_used_to_skip_the_code(client):
    staff = StaffFactory()

    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert not logged_in(client)


def test_the_admin_login_page_for_people_already_signed_in(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:login"), {"next": ADMIN}).status_code == 403  # not a redirect loop

    client.force_login(StaffFactory())
    assert client.get(reverse("admin:login"), {"next": reverse("admin:cohorts_cohort_changelist")}).url == (
        reverse("admin:cohorts_cohort_changelist")
    )


def test_people_who_are_not_staff_are_never_asked_for_a_second_factor(client):
    person = UserFactory()

    response = log_in(client, person, next_url="/")

    assert response.url == "/"
    assert logged_in(client)
    assert client.get("/").status_code == 200
    assert client.get(reverse("account_email")).status_code == 200
    assert not Authenticator.objects.exists()
    admin = client.get(ADMIN)  # the admin turns them away as before, not to the second-factor setup
    assert admin.url.startswith(reverse("admin:login"))


# --- Login rate limits ------------------------------------------------------------------------


def test_after_five_failed_logins_for_one_address_even_the_right_password_is_refused(client, settings):
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"
    staff = StaffFactory(email="morgan@example.org")
    other = UserFactory()
    for _ in range(5):
        assert client.post(LOGIN, {"login": "morgan@example.org", "password": "wrong-guess"}).status_code == 200

    response = client.post(LOGIN, {"login": "morgan@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == ["Too many failed login attempts. Try again later."]
    assert not logged_in(client)
    assert log_in(client, other, next_url="/").url == "/"  # the limit is the address's, not everyone's
    client.post(reverse("account_logout"))
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert log_in(client, staff).url == AUTHENTICATE  # and it ends


# --- Staff sessions end after inactivity ------------------------------------------------------


@pytest.fixture(
    params=[
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cache",
        "django.contrib.sessions.backends.cached_db",
    ]
)
def session_engine(request, settings):
    settings.SESSION_ENGINE = request.param
    return request.param


def test_an_idle_staff_session_ends(client, settings, session_engine):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(StaffFactory())
        assert client.get(ADMIN).status_code == 200
    assert client.session.get_expiry_age() == 30 * 60

    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = client.get(ADMIN)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_an_active_staff_session_is_kept(client, settings, session_engine):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    client.force_login(StaffFactory())

    for minutes in range(0, 120, 20):  # two hours of work, a request every 20 minutes
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(ADMIN).status_code == 200, f"logged out after {minutes} minutes"


def test_the_staff_expiry_is_written_at_most_once_a_minute(client, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(StaffFactory())
        refreshed = client.session[STAFF_SESSION_REFRESHED_AT]
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get(ADMIN)
        assert client.session[STAFF_SESSION_REFRESHED_AT] == refreshed
    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        client.get(ADMIN)
        assert client.session[STAFF_SESSION_REFRESHED_AT] == refreshed + 90


def test_a_staff_login_through_allauth_gets_the_short_expiry(client, settings, frozen):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    staff = StaffFactory()
    log_in(client, staff)
    client.post(AUTHENTICATE, {"code": totp_code(staff)})

    assert logged_in(client)
    assert client.session.get_expiry_age() == 30 * 60  # not allauth's "until the browser closes" (two weeks)


def test_a_mentees_session_keeps_the_normal_age(client, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    mentee = ParticipantFactory(role=Role.MENTEE).user
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        log_in(client, mentee, next_url="/")
        assert client.get("/").status_code == 200
        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
        assert STAFF_SESSION_REFRESHED_AT not in client.session

    with time_machine.travel(start + timedelta(hours=3), tick=False):
        assert logged_in(client)
        assert client.get(reverse("account_email")).status_code == 200


# --- The demo's staff login -------------------------------------------------------------------


def test_the_demo_staff_login_opens_the_admin_with_its_printed_second_factor(client, settings, frozen):
    settings.DEBUG = True
    output = StringIO()
    call_command("seed_demo", stdout=output)
    call_command("seed_demo", stdout=output)  # idempotent: one authenticator app, one set of codes
    staff = User.objects.get(email="staff@demo.example")
    printed = output.getvalue().rsplit("recovery codes", 1)[1].split()[:10]

    assert DEMO_TOTP_SECRET in output.getvalue()
    assert Authenticator.objects.filter(user=staff).count() == 2
    assert printed == RecoveryCodes(Authenticator.objects.get(user=staff, type="recovery_codes")).get_unused_codes()
    client.post(LOGIN, {"login": staff.email, "password": DEMO_PASSWORD})
    assert client.post(AUTHENTICATE, {"code": totp_code(staff)}).url == "/"
    assert client.get(ADMIN).status_code == 200

    client.post(reverse("account_logout"))
    client.post(LOGIN, {"login": staff.email, "password": DEMO_PASSWORD})
    assert client.post(AUTHENTICATE, {"code": printed[0]}).url == "/"
    assert client.get(ADMIN).status_code == 200
