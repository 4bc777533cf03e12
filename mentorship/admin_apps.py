from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin, with our site (mentorship/admin_site.py) as ``admin.site``."""

    default_site = "mentorship.admin_site.AdminSite"
