from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mentorship.admin_labels import LabelledTabularInline

from . import services
from .models import Attendance, Event


class AttendanceInline(LabelledTabularInline):
    model = Attendance
    extra = 0
    fields = ["participant", "rsvp", "checked_in_at", "invited_at"]
    readonly_fields = ["participant", "rsvp", "invited_at"]
    can_delete = False
    ordering = ["participant__role", "participant__user__preferred_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant__user", "participant__cohort__program")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_at", "rounds", "tables", "seats_per_table", "staff_pages"]
    list_filter = ["cohort__program", "cohort"]
    list_select_related = ["cohort__program"]
    inlines = [AttendanceInline]
    actions = ["invite", "write_schedule", "send_rating_reminder"]
    readonly_fields = ["schedule_from_round", "rating_reminder_sent_at", "staff_pages"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # a video link typed without its scheme, as Django 6 will
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("on the day"))
    def staff_pages(self, event: Event) -> str:
        if not event.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("events:check_in", args=[event.pk]),
            gettext("Check-in"),
            reverse("events:run_sheet", args=[event.pk]),
            gettext("Run sheet"),
            reverse("events:projector", args=[event.pk]),
            gettext("Projector view"),
            reverse("events:completion", args=[event.pk]),
            gettext("Rating completion"),
        )

    @admin.action(description=_("Invite the cohort's participants by email"), permissions=["change"])
    def invite(self, request, queryset):
        invited = sum(services.event_invite(event=event) for event in queryset)
        self.message_user(
            request,
            ngettext("%(count)d invitation is being sent.", "%(count)d invitations are being sent.", invited)
            % {"count": invited},
        )

    @admin.action(description=_("Write the schedule from the next round"), permissions=["change"])
    def write_schedule(self, request, queryset):
        for event in queryset:
            try:
                schedule = services.schedule_write(event=event)
            except services.EventError as error:
                self.message_user(
                    request,
                    gettext("%(event)s: %(problem)s") % {"event": event, "problem": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    gettext("%(event)s: schedule written; the longest run of sit-outs is %(run)s.")
                    % {"event": event, "run": schedule.longest_sit_out_run()},
                )

    @admin.action(description=_("Email the rating reminder (sent once)"), permissions=["change"])
    def send_rating_reminder(self, request, queryset):
        for event in queryset:
            try:
                sent = services.rating_reminder_send(event=event, by=request.user)
            except services.EventError as error:
                self.message_user(
                    request,
                    gettext("%(event)s: %(problem)s") % {"event": event, "problem": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(event)s: reminder sent to %(count)d person.",
                        "%(event)s: reminder sent to %(count)d people.",
                        sent,
                    )
                    % {"event": event, "count": sent},
                )


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["participant", "event", "rsvp", "checked_in_at"]
    list_filter = ["event", "rsvp", "participant__role"]
    search_fields = ["participant__user__preferred_name", "participant__user__email"]
    list_select_related = ["participant__user", "participant__cohort__program", "event__cohort__program"]
    actions = ["check_in", "undo_check_in"]
    readonly_fields = ["event", "participant", "invited_at"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Check in the selected people"), permissions=["change"])
    def check_in(self, request, queryset):
        count = services.check_in(attendances=queryset, present=True)
        self.message_user(
            request,
            ngettext("%(count)d person checked in.", "%(count)d people checked in.", count) % {"count": count},
        )

    @admin.action(description=_("Undo the check-in of the selected people"), permissions=["change"])
    def undo_check_in(self, request, queryset):
        services.check_in(attendances=queryset, present=False)
