from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import staff_session_on_login

        user_logged_in.connect(staff_session_on_login, dispatch_uid="accounts.staff_session_on_login")
