import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_time_zone

DEFAULT_TIME_ZONE = "America/Toronto"


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # The whole address is compared without case: Alex@Example.org and alex@example.org are one person.
        return (email or "").strip().lower()

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def with_email(self, email: str) -> models.QuerySet:
        """The account of this address, whatever its case, found through the index of lower-cased addresses (the
        unique constraint below). ``email__iexact`` compares upper-cased text, which no index holds: Postgres read
        every account to find one, 10 ms at 10,000 accounts on each log-in (bench/bench_load.py)."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email)))

    def get_by_natural_key(self, email: str):
        return self.with_email(email).get()


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Their role (mentee, mentor) belongs to a cohort, not to the account."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    preferred_name = models.CharField(
        _("preferred name"), max_length=80, blank=True, help_text=_("The name we use to address you.")
    )
    pronouns = models.CharField(
        _("pronouns"), max_length=40, blank=True, help_text=_("For example: she/her, they/them.")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Whether this person can open the staff site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    erased_at = models.DateTimeField(
        _("erased at"), null=True, blank=True, help_text=_("Personal details and identity answers were erased.")
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]
        permissions = [("erase_person", _("Can erase a person's personal data"))]

    def __str__(self) -> str:
        return self.display_name

    def clean(self):
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.email.split("@")[0]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name
