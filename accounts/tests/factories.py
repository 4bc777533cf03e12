import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt

from accounts.models import User

PASSWORD = "correct-horse-battery-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified email address who can log in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    preferred_name = factory.Faker("name")
    pronouns = factory.Iterator(["she/her", "he/him", "they/them", ""])
    time_zone = "America/Toronto"
    language = "en"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        """Staff get an authenticator app, as the staff site requires (accounts.middleware); mfa=False
        leaves them without one, mfa=True gives one to anyone. ``totp_code(user)`` reads it."""
        if create and (extracted if extracted is not None else self.is_staff):
            TOTP.activate(self, generate_totp_secret())


class StaffFactory(UserFactory):
    """A superuser with an authenticator app (StaffFactory(mfa=False): without one)."""

    is_staff = True
    is_superuser = True


def totp_code(user: User) -> str:
    """The code the person's authenticator app shows now. In its step's last two seconds it waits for
    the next step, so that the code is still valid when the server reads it."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < 2:
        time.sleep(left)
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(decrypt(authenticator.data["secret"]), counter))
