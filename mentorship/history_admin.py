"""The change history of what staff decide on, in the admin: who changed what, and when."""

from django.http import HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_model_for_model


class HistoryAdmin(SimpleHistoryAdmin):
    """A model admin whose "History" page lists every version with its author and its changes, read only.

    - A past version's page saves that version over the current one when posted to, even with its Revert
      button hidden (``SIMPLE_HISTORY_REVERT_DISABLED``): that would go around the services, their checks,
      audit rows and emails. Here the page only answers GET.
    - django-simple-history fills the fields a history leaves out (a meeting log's private note) with their
      current value when it shows a past version: the page leaves those fields out instead.

    https://django-simple-history.readthedocs.io/en/latest/admin.html
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        request.showing_past_version = True  # read by get_fieldsets, for this page only
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not getattr(request, "showing_past_version", False):
            return fieldsets
        untracked = set(get_history_model_for_model(self.model)._history_excluded_fields)

        def kept(fields):
            return [
                [name for name in line if name not in untracked] if isinstance(line, list | tuple) else line
                for line in fields
                if line not in untracked
            ]

        return [(title, {**options, "fields": kept(options["fields"])}) for title, options in fieldsets]
