from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship platform")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .data_versions import install_triggers

        post_migrate.connect(install_triggers, sender=self, dispatch_uid="mentorship.install_triggers")
