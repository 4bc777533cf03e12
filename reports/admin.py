from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cohorts.admin import CohortListFilter
from meetings.admin import LedgerAdmin

from .forms import OutcomeAdminForm
from .models import Outcome, SurveyInvitation


class ParticipantColumns:
    """The person and cohort columns (and search) of rows that belong to a participant."""

    search_fields = ["participant__user__email", "participant__user__preferred_name"]

    @admin.display(description=_("person"), ordering="participant__user__preferred_name")
    def person(self, obj):
        return obj.participant.user

    @admin.display(description=_("cohort"), ordering="participant__cohort")
    def cohort(self, obj):
        return obj.participant.cohort


@admin.register(Outcome)
class OutcomeAdmin(ParticipantColumns, admin.ModelAdmin):
    """Outcomes participants reported, and those staff add for them (staff are then who reported it)."""

    form = OutcomeAdminForm
    list_display = ["person", "cohort", "kind", "happened_on", "reported_by"]
    list_filter = ["kind", ("participant__cohort", CohortListFilter)]
    list_select_related = ["participant__user", "participant__cohort__program", "reported_by"]
    raw_id_fields = ["participant"]  # no autocomplete: the authorization matrix refuses every autocomplete
    readonly_fields = ["reported_by", "created_at"]
    date_hierarchy = "happened_on"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.reported_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ParticipantColumns, LedgerAdmin):
    """Who was sent which survey, reminded, and whether they answered; never the answers, which the survey
    promises are counted without names (the cohort report shows them counted)."""

    list_display = ["person", "cohort", "kind", "sent_at", "reminded_at", "closes_at", "answered"]
    list_filter = ["kind", ("participant__cohort", CohortListFilter)]
    list_select_related = ["participant__user", "participant__cohort__program", "response"]
    fields = ["participant", "kind", "sent_at", "reminded_at", "closes_at"]
    date_hierarchy = "sent_at"

    @admin.display(description=_("answered"), boolean=True)
    def answered(self, obj: SurveyInvitation) -> bool:
        return hasattr(obj, "response")
