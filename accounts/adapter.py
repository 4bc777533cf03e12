from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from .forms import PROFILE_FIELDS
from .models import User
from .services import language_for_recipient


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user: User, form, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        for field in PROFILE_FIELDS:
            if field in form.cleaned_data:
                setattr(user, field, form.cleaned_data[field])
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account email (verification, password reset...) goes out in the recipient's language."""
        with translation.override(language_for_recipient(email=email, user=context.get("user"))):
            super().send_mail(template_prefix, email, context)
