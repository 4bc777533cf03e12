"""Staff set up programs and cohorts here; decisions on applications live in applications/admin.py."""

import datetime as dt

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.validators import time_zone_names
from mentorship.admin_labels import LabelledTabularInline

from . import services
from .models import Cohort, Participant, Program, Role, Session

# 52 weeks: next year's cohort starts on the same weekday.
NEXT_YEAR = dt.timedelta(days=364)


class CohortListFilter(admin.RelatedFieldListFilter):
    """Filter by cohort, naming each cohort with its program in one query rather than one per cohort."""

    def field_choices(self, field, request, model_admin):
        return [(cohort.pk, str(cohort)) for cohort in Cohort.objects.select_related("program")]


def unique_slug(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no cohort uses yet, within the field's length."""
    max_length = Cohort._meta.get_field("slug").max_length
    candidate, number = base[:max_length], 1
    while Cohort.objects.filter(slug=candidate).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "track", "slug", "report"]
    list_filter = ["track"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    @admin.display(description=_("report"))
    def report(self, program: Program) -> str:
        return report_link(reverse("reports:report", args=["program", program.slug]), _("All cohorts, side by side"))


def report_link(url: str, text) -> str:
    return format_html('<a href="{}">{}</a>', url, text)


class SessionInline(LabelledTabularInline):
    model = Session
    extra = 0
    fields = ["number", "title_en", "title_fr", "starts_at", "duration_minutes", "place", "video_url"]
    ordering = ["number"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # a video link typed without its scheme
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = [
        "cohort_name",
        "program",
        "start_date",
        "applications_open_at",
        "applications_close_at",
        "stage",
        "mentees",
        "mentors",
        "report",
    ]
    list_filter = ["program"]
    list_select_related = ["program"]
    search_fields = ["name_en", "name_fr", "slug", "program__name_en", "program__name_fr"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["stage"]
    fieldsets = [
        (None, {"fields": ["program", "name_en", "name_fr", "slug", "stage"]}),
        (_("Dates"), {"fields": ["start_date", "weeks", "mentorship_weeks", "time_zone"]}),
        (_("Mentorship period"), {"fields": ["reminder_weekday", "reminder_time"]}),
        (_("Applications"), {"fields": ["applications_open_at", "applications_close_at"]}),
        (_("Places"), {"fields": ["mentee_capacity", "mentor_capacity"]}),
    ]
    inlines = [SessionInline]
    actions = ["generate_sessions", "add_default_questions", "copy_for_next_year"]

    def get_queryset(self, request):
        accepted = Q(applications__status="accepted")
        return (
            super()
            .get_queryset(request)
            .annotate(
                accepted_mentees=Count("applications", filter=accepted & Q(applications__role=Role.MENTEE)),
                accepted_mentors=Count("applications", filter=accepted & Q(applications__role=Role.MENTOR)),
            )
        )

    @admin.display(description=_("name"), ordering="name_en")
    def cohort_name(self, cohort: Cohort) -> str:
        return cohort.name

    @admin.display(description=_("stage"))
    def stage(self, cohort: Cohort) -> str:
        # A refused form is shown again with the values it refused, a time zone that is none included.
        if not cohort.pk or cohort.time_zone not in time_zone_names():
            return "—"
        return cohort.stage().label

    @admin.display(description=_("mentees accepted / places"), ordering="accepted_mentees")
    def mentees(self, cohort: Cohort) -> str:
        return f"{cohort.accepted_mentees} / {cohort.mentee_capacity}"

    @admin.display(description=_("mentors accepted / places"), ordering="accepted_mentors")
    def mentors(self, cohort: Cohort) -> str:
        return f"{cohort.accepted_mentors} / {cohort.mentor_capacity}"

    @admin.display(description=_("report"))
    def report(self, cohort: Cohort) -> str:
        return report_link(reverse("reports:report", args=["cohort", cohort.slug]), _("Cohort report"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        cohort = self.get_object(request, object_id)
        if cohort is not None:
            extra_context = {
                **(extra_context or {}),
                **self.waitlist_link(request, cohort),
                **self.pair_health_link(request, cohort),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def waitlist_link(self, request, cohort: Cohort) -> dict:
        """The cohort's waitlisted applications, best score first: whom to promote when an accepted person
        withdraws. Shown as "Waitlist (N)" beside "History" on the cohort's page."""
        from applications.models import Application

        application_admin = self.admin_site._registry.get(Application)
        if application_admin is None or not application_admin.has_view_permission(request):
            return {}
        query = {"cohort__id__exact": cohort.pk, "status__exact": Application.Status.WAITLISTED}
        ordering = application_admin.score_ordering_param(request)
        if ordering:
            query["o"] = ordering
        count = Application.objects.filter(cohort=cohort, status=Application.Status.WAITLISTED).count()
        return {
            "waitlist_url": f"{reverse('admin:applications_application_changelist')}?{urlencode(query)}",
            "waitlist_label": gettext("Waitlist (%(count)d)") % {"count": count},
        }

    def pair_health_link(self, request, cohort: Cohort) -> dict:
        """The pair-health board of the cohort, once it has published pairs ("Pair health" on its page)."""
        from meetings.models import Pair

        pair_admin = self.admin_site._registry.get(Pair)
        if pair_admin is None or not pair_admin.has_view_permission(request):
            return {}
        if not cohort.match_runs.filter(published_at__isnull=False).exists():
            return {}
        query = urlencode({"run__cohort__id__exact": cohort.pk})
        return {"pair_health_url": f"{reverse('admin:meetings_pair_changelist')}?{query}"}

    @admin.action(description=_("Generate the weekly sessions"), permissions=["change"])
    def generate_sessions(self, request, queryset):
        created = sum(len(services.sessions_generate(cohort=cohort)) for cohort in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d weekly session created; sessions that already existed were left as they were.",
                "%(count)d weekly sessions created; sessions that already existed were left as they were.",
                created,
            )
            % {"count": created},
            messages.SUCCESS,
        )

    @admin.action(description=_("Add the default questions"), permissions=["change"])
    def add_default_questions(self, request, queryset):
        from applications.question_bank import questions_add_defaults

        added = sum(questions_add_defaults(cohort=cohort) for cohort in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d question added from the default question bank.",
                "%(count)d questions added from the default question bank.",
                added,
            )
            % {"count": added},
            messages.SUCCESS,
        )

    @admin.action(description=_("Copy for next year"), permissions=["add"])
    def copy_for_next_year(self, request, queryset):
        copies = [
            services.cohort_copy(
                cohort=cohort,
                start_date=cohort.start_date + NEXT_YEAR,
                slug=unique_slug(f"{cohort.slug}-next"),
                name_en=f"{cohort.name_en} (copy)",
                name_fr=f"{cohort.name_fr} (copie)" if cohort.name_fr else "",
            )
            for cohort in queryset.select_related(None).order_by("start_date")
        ]
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:cohorts_cohort_change", args=[copy.pk]), copy.name_en) for copy in copies),
        )
        self.message_user(
            request,
            format_html(
                "{} {}",
                ngettext(
                    "%(count)d cohort copied with its sessions and questions, one year later:",
                    "%(count)d cohorts copied with their sessions and questions, one year later:",
                    len(copies),
                )
                % {"count": len(copies)},
                links,
            ),
            messages.SUCCESS,
        )


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["user", "user_email", "cohort", "role", "status", "mentee_capacity", "stipend_granted", "joined_at"]
    list_filter = [("cohort", CohortListFilter), "role", "status", "stipend_granted"]
    list_select_related = ["user", "cohort__program"]
    search_fields = ["user__email", "user__preferred_name"]
    raw_id_fields = ["user", "application"]

    @admin.display(description=_("email address"), ordering="user__email")
    def user_email(self, participant: Participant) -> str:
        return participant.user.email
