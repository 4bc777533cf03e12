from django.contrib.admin import options
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, each inside its label: Django's template leaves both without an
    accessible name (the field's label points at neither), which screen readers announce as "edit text"."""

    template_name = "mentorship/widgets/split_datetime.html"


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin, with our site (mentorship/admin_site.py) as ``admin.site``."""

    default_site = "mentorship.admin_site.AdminSite"

    def ready(self):
        # Every ModelAdmin copies these defaults when it is registered (autodiscovery, in super().ready()).
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField]["widget"] = LabelledSplitDateTime
        super().ready()
