"""The people of the demo: used by ``manage.py seed_demo`` and by the load benchmarks."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from .models import User

DEMO_PASSWORD = "demo-mentorship-2026"  # noqa: S105  (published on purpose: demo logins only)
# The staff site needs a second factor (accounts.middleware), so the demo staff login has an authenticator
# app too, with this secret, published on purpose like the password: seed_demo prints it to add to any
# authenticator app, with recovery codes (one login each, renewed by every seed_demo).
DEMO_TOTP_SECRET = "DEMOSTAFFMENTORSHIPPROGRAMSTOTP2"  # noqa: S105


@dataclass(frozen=True)
class DemoPerson:
    role: str
    user: User


# (role, email, preferred name, pronouns, language, time zone)
PEOPLE = [
    ("staff", "staff@demo.example", "Morgan Tremblay", "she/her", "fr", "America/Toronto"),
    ("mentor", "amara.okafor@demo.example", "Amara Okafor", "she/her", "en", "America/Toronto"),
    ("mentor", "jules.gagnon@demo.example", "Jules Gagnon", "they/them", "fr", "America/Toronto"),
    ("mentor", "rohan.mehta@demo.example", "Rohan Mehta", "he/him", "en", "America/Vancouver"),
    ("mentor", "kiona.whitehorse@demo.example", "Kiona Whitehorse", "she/they", "en", "America/Edmonton"),
    ("mentor", "mateo.alvarez@demo.example", "Mateo Álvarez", "he/him", "fr", "America/Toronto"),
    ("mentee", "alex.nguyen@demo.example", "Alex Nguyen", "they/them", "en", "America/Toronto"),
    ("mentee", "fatou.diallo@demo.example", "Fatou Diallo", "she/her", "fr", "America/Toronto"),
    ("mentee", "sam.cohen@demo.example", "Sam Cohen", "he/they", "en", "America/Halifax"),
    ("mentee", "lina.haddad@demo.example", "Lina Haddad", "she/her", "fr", "Europe/Paris"),
    ("mentee", "noah.begay@demo.example", "Noah Begay", "he/him", "en", "America/Denver"),
    ("mentee", "mei.chen@demo.example", "Mei Chen", "", "en", "America/Toronto"),
    ("mentee", "theo.lavoie@demo.example", "Théo Lavoie", "il/lui", "fr", "America/Toronto"),
    ("mentee", "zainab.yusuf@demo.example", "Zainab Yusuf", "she/her", "en", "America/Toronto"),
]


@transaction.atomic
def seed_people() -> list[DemoPerson]:
    people = []
    for role, email, name, pronouns, language, time_zone in PEOPLE:
        user, created = User.objects.update_or_create(
            email=email,
            defaults={
                "preferred_name": name,
                "pronouns": pronouns,
                "language": language,
                "time_zone": time_zone,
                "is_staff": role == "staff",
                "is_superuser": role == "staff",
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        # Demo logins skip the email verification that real sign-ups go through.
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        people.append(DemoPerson(role=role, user=user))
    return people


@dataclass(frozen=True)
class DemoSecondFactor:
    secret: str
    url: str  # otpauth://, what the QR code of the setup page holds
    recovery_codes: list[str]


@transaction.atomic
def seed_second_factor(user: User) -> DemoSecondFactor:
    """Give a demo staff login the published authenticator secret and new recovery codes."""
    Authenticator.objects.filter(user=user).delete()
    TOTP.activate(user, DEMO_TOTP_SECRET)
    codes = RecoveryCodes.activate(user).generate_codes()
    url = get_mfa_adapter().build_totp_url(user, DEMO_TOTP_SECRET)
    return DemoSecondFactor(secret=DEMO_TOTP_SECRET, url=url, recovery_codes=codes)
