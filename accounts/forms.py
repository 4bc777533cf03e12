from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import ratelimit
from django import forms
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mentorship.kept_markup import Kept, digest

from .models import DEFAULT_TIME_ZONE, Language, User
from .validators import time_zone_names

PROFILE_FIELDS = ["preferred_name", "pronouns", "time_zone", "language"]


class TimeZoneSelect(forms.Select):
    """Django's select, whose markup is kept once rendered (mentorship/kept_markup.py): the ~490 options of the time
    zones, each rendered through the widget templates, were half of the application form page's time
    (bench/bench_load.py). The markup depends only on what the key holds (name, value, attributes, options, template
    and renderer), so it is the same."""

    def render(self, name, value, attrs=None, renderer=None):
        key = digest(
            name,
            value,
            sorted(self.build_attrs(self.attrs, attrs).items()),
            self.choices,
            self.template_name,
            type(renderer),
        )
        return RENDERED_ZONES.get_or_draw(key, lambda: super(TimeZoneSelect, self).render(name, value, attrs, renderer))


RENDERED_ZONES = Kept(128)  # (name, value, attributes) combinations, about 30 kB each: a few MB per process at most


class TimeZoneField(forms.ChoiceField):
    """A select of the IANA time zones. With detect=True, static/js/site.js preselects the browser's zone."""

    widget = TimeZoneSelect
    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not a known time zone. Choose one such as America/Toronto."),
    }

    def __init__(self, *, detect: bool = False, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault("initial", DEFAULT_TIME_ZONE)
        kwargs.setdefault("help_text", _("Reminders and meeting times use it."))
        super().__init__(choices=[(name, name) for name in sorted(time_zone_names())], **kwargs)
        self._zones = self._choices
        if detect:
            self.widget.attrs["data-detect-time-zone"] = "true"

    @property
    def fixed_choices(self) -> str | None:
        """Names the choices while they are the zones (the same for the life of the process), so that a blank form's
        markup is looked up without reading the ~490 of them (mentorship/templatetags/blank_forms.py)."""
        return "IANA time zones" if self._choices is self._zones else None

    def __deepcopy__(self, memo):
        """Each form gets a copy of its fields; the ~490 zones are a list nobody changes, so the copy shares it
        instead of copying every pair (a fifth of the application form's set-up time)."""
        choices, self._choices, self.widget._choices = self._choices, [], []
        try:
            result = super().__deepcopy__(memo)
        finally:
            self._choices = self.widget._choices = choices
        # Set under the properties: their setters would normalise the ~490 pairs again, once for the field and
        # once for its widget (a fifth of the application form's time; bench/profile_pages.py).
        result._choices = result.widget._choices = choices
        return result


def current_language() -> str:
    language = (get_language() or Language.ENGLISH)[:2]
    return language if language in Language.values else Language.ENGLISH


class EmailLengthMixin:
    """allauth's email fields accept 320 characters; our column keeps 254 (the longest deliverable
    address). Refuse longer ones in the form, with a message, rather than fail in the database."""

    def limit_email_length(self) -> None:
        field = self.fields["email"]
        field.max_length = User._meta.get_field("email").max_length
        field.validators.append(MaxLengthValidator(field.max_length))
        field.widget.attrs["maxlength"] = str(field.max_length)


class SignupForm(EmailLengthMixin, AllauthSignupForm):
    """allauth's sign-up (email, password twice) plus what we need to know from the start."""

    preferred_name = forms.CharField(
        label=_("Preferred name"), max_length=80, help_text=_("The name we use to address you.")
    )
    pronouns = forms.CharField(
        label=_("Pronouns"), max_length=40, required=False, help_text=_("Optional. For example: she/her, they/them.")
    )
    time_zone = TimeZoneField(detect=True)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    def try_save(self, request):
        """Two sign-ups with one new address at the same instant (a double click the browser let through):
        the database keeps one account; the second request is answered like any taken address."""
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            self.account_already_exists = True
            return super().try_save(request)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = current_language()
        self.limit_email_length()
        self.order_fields(["preferred_name", "pronouns", "email", "password1", "password2", "time_zone", "language"])


class AddEmailForm(EmailLengthMixin, AllauthAddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_email_length()


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = PROFILE_FIELDS


class DeleteAccountForm(forms.Form):
    """ "Delete my account": the person confirms with their password (a session left open on a shared
    computer is not enough to erase someone). Tries are rate-limited like allauth's reauthentication."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.request.user):
            raise forms.ValidationError(_("Too many tries. Wait a minute, then try again. Nothing was deleted."))
        if not self.request.user.check_password(password):
            raise forms.ValidationError(_("That is not your password. Nothing was deleted."))
        return password
