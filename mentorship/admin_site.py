"""The staff site: Django's admin site, with a guard on the rows ticked for an action."""

from functools import wraps

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest, ValidationError


class AdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin) and view.__name__ == "changelist_view":
            view = _ticked_ids_checked(view, model_admin.model)
        return super().admin_view(view, cacheable)


def _ticked_ids_checked(view, model):
    """Django's admin runs an action on ``pk__in=<the ticked ids>`` as they were posted: a value that is
    no id (a forged or mangled request) raises ValueError there, a server error. It is a bad request."""
    pk = model._meta.pk

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method == "POST":
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                try:
                    pk.to_python(value)
                except ValidationError:
                    raise BadRequest("a ticked row is not an id") from None
        return view(request, *args, **kwargs)

    return checked
