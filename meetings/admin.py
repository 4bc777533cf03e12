"""Staff watch the mentorship period here: the pair-health board, the meeting logs, and the reminder ledger.

Pairs change only through ``meetings.services``; the ledger (reminders, alerts, digests) is read-only.
"""

import csv
import datetime as dt
import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from applications.admin import BilingualNameAdmin
from applications.exports import safe_cell
from cohorts.admin import CohortListFilter
from cohorts.models import Cohort
from matching.models import Match
from mentorship.admin_labels import LabelledTabularInline
from mentorship.history_admin import HistoryAdmin

from .models import AtRiskAlert, MeetingLog, Pair, PairPause, Reminder, ReminderPause, StaffDigest, Topic
from .periods import AT_RISK_WEEKS, WeekState
from .selectors import (
    MAX_EXTRA_WEEKS,
    PairView,
    open_pause,
    pair_views,
    pairs_with_weeks,
    pairs_without_log,
    period_of,
)
from .services import MeetingError, pair_end, pair_extend, pair_pause, pair_resume

PRIVATE_NOTE_PERMISSION = "meetings.view_private_note"
EXTEND_WEEKS = 4
NO_LOG_WEEKS = (1, 2, 3, 4)
CSV_ORDER = ["match__run__cohort__start_date", "match__run__cohort_id", "match__mentor__user__preferred_name",
             "match__mentee__user__preferred_name", "match_id", "week"]  # fmt: skip

# The words of each state of a week (as meetings/templatetags/week_states.py, but for "ended"), and a mark that
# tells the states apart without their colour.
WEEK_STATES = {
    WeekState.LOGGED: (_("Met"), "✓"),
    WeekState.NOT_MET: (_("Did not meet"), "○"),
    WeekState.MISSING: (_("No log"), "!"),
    WeekState.CURRENT: (_("This week"), "•"),
    WeekState.PAUSED: (_("Paused"), "‖"),
    WeekState.UPCOMING: (_("Upcoming"), ""),
    WeekState.ENDED: (_("After the pair ended"), "–"),
}


def can_see_private_notes(request) -> bool:
    return request.user.has_perm(PRIVATE_NOTE_PERMISSION)


def board_today(match: Match, now: dt.datetime | None = None) -> dt.date:
    """The day the board shows a pair on: today in its cohort's time zone."""
    return timezone.localdate(now or timezone.now(), timezone=match.run.cohort.zone)


def board_views(matches, now: dt.datetime | None = None) -> list[PairView]:
    """The ``PairView`` of each pair (from ``pairs_with_weeks``), in at most two queries (the pauses)."""
    now = now or timezone.now()
    return pair_views(matches, today_for=lambda match: board_today(match, now))


def pair_name(match: Match) -> str:
    return gettext("%(mentor)s with %(mentee)s") % {
        "mentor": match.mentor.user.display_name,
        "mentee": match.mentee.user.display_name,
    }


class PairCohortFilter(CohortListFilter):
    """The cohorts that have published pairs (one query)."""

    def field_choices(self, field, request, model_admin):
        cohorts = Cohort.objects.filter(match_runs__published_at__isnull=False).select_related("program")
        return [(cohort.pk, str(cohort)) for cohort in cohorts]


# --- The pair-health board ---------------------------------------------------------------------


class AtRiskFilter(admin.SimpleListFilter):
    """Active, unpaused pairs with two weeks or more in a row without a log (the staff digest links here)."""

    title = _("at risk")
    parameter_name = "at_risk"

    def lookups(self, request, model_admin):
        return [("yes", _("yes")), ("no", _("no"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        at_risk = pairs_without_log(queryset, weeks=AT_RISK_WEEKS)
        return at_risk if self.value() == "yes" else queryset.exclude(pk__in=at_risk.values("pk"))


class NoLogFilter(admin.SimpleListFilter):
    """Active, unpaused pairs whose last N weeks (paused weeks aside) have no log."""

    title = _("no log in the last")
    parameter_name = "no_log"

    def lookups(self, request, model_admin):
        return [
            (str(weeks), ngettext("%(count)d week", "%(count)d weeks", weeks) % {"count": weeks})
            for weeks in NO_LOG_WEEKS
        ]

    def queryset(self, request, queryset):
        if self.value() not in {str(weeks) for weeks in NO_LOG_WEEKS}:
            return queryset
        return pairs_without_log(queryset, weeks=int(self.value()))


class PausedFilter(admin.SimpleListFilter):
    title = _("paused")
    parameter_name = "paused"

    def lookups(self, request, model_admin):
        return [("yes", _("yes")), ("no", _("no"))]

    def queryset(self, request, queryset):
        paused = open_pause()
        if self.value() == "yes":
            return queryset.filter(paused)
        if self.value() == "no":
            return queryset.exclude(paused)
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """Active or ended (the board holds no proposed pair)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (Match.Status.ACTIVE.value, Match.Status.ACTIVE.label),
            (Match.Status.ENDED.value, Match.Status.ENDED.label),
        ]

    def queryset(self, request, queryset):
        if self.value() in (Match.Status.ACTIVE, Match.Status.ENDED):
            return queryset.filter(status=self.value())
        return queryset


class PairChangeList(ChangeList):
    def get_results(self, request):
        """The page's pairs, each with its ``PairView`` as ``board`` (worked out once, for the whole page)."""
        super().get_results(request)
        for view in board_views(self.result_list):
            view.match.board = view


class PairForm(forms.ModelForm):
    class Meta:
        model = Pair
        fields = ["extra_weeks"]
        widgets = {"extra_weeks": forms.NumberInput(attrs={"min": 0, "max": MAX_EXTRA_WEEKS})}

    def clean_extra_weeks(self):
        weeks = self.cleaned_data["extra_weeks"]
        if weeks > MAX_EXTRA_WEEKS:
            raise forms.ValidationError(
                gettext("A pair's period can be extended by %(most)d weeks at most.") % {"most": MAX_EXTRA_WEEKS}
            )
        return weeks


class PairPauseInline(LabelledTabularInline):
    model = PairPause
    extra = 0
    can_delete = False
    fields = ["started_at", "started_by", "ended_at", "ended_by"]
    readonly_fields = fields
    verbose_name_plural = _("pauses by staff")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("started_by", "ended_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin):
    """The health of every published pair: its weeks at a glance, the pairs at risk, and bulk pause, resume,
    end and extend. The page's pairs are read in a fixed number of queries (see ``PairChangeList``)."""

    list_display = ["cohort", "mentor_name", "mentee_name", "pair_status", "week_strip", "last_contact",
                    "weeks_without_log", "at_risk"]  # fmt: skip
    list_display_links = ["mentor_name", "mentee_name"]
    list_filter = [("run__cohort", PairCohortFilter), AtRiskFilter, NoLogFilter, PausedFilter, StatusFilter]
    search_fields = ["mentor__user__email", "mentor__user__preferred_name", "mentee__user__email",
                     "mentee__user__preferred_name"]  # fmt: skip
    ordering = ["-run__cohort__start_date", "mentor__user__preferred_name", "mentee__user__preferred_name", "pk"]
    actions = ["pause", "resume", "end", "extend"]
    form = PairForm
    fields = ["cohort", "mentor_name", "mentee_name", "pair_status", "period", "week_strip", "last_contact",
              "weeks_without_log", "at_risk", "extra_weeks", "meeting_logs"]  # fmt: skip
    readonly_fields = [name for name in fields if name != "extra_weeks"]
    inlines = [PairPauseInline]
    list_per_page = 50

    class Media:
        css = {"all": ["meetings/admin.css"]}

    def get_queryset(self, request):
        last_contact = MeetingLog.objects.filter(match=OuterRef("pk"), met=True).order_by("-met_on").values("met_on")
        published = (
            super()
            .get_queryset(request)
            .filter(run__published_at__isnull=False, status__in=[Match.Status.ACTIVE, Match.Status.ENDED])
        )
        # For sorting only: the column itself reads the prefetched logs, like the week strip.
        return pairs_with_weeks(published, topics=False).annotate(last_met_on=Subquery(last_contact[:1]))

    def get_changelist(self, request, **kwargs):
        return PairChangeList

    def changelist_view(self, request, extra_context=None):
        legend = [(state, label, mark) for state, (label, mark) in WEEK_STATES.items()]
        context = {"title": gettext("Pair health"), "week_legend": legend, **(extra_context or {})}
        return super().changelist_view(request, context)

    def has_add_permission(self, request):
        return False  # pairs are made by matching

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would erase the pair's logs: end it instead

    def save_model(self, request, obj, form, change):
        obj.save(update_fields=["extra_weeks"])

    def view_of(self, pair: Pair) -> PairView:
        """The pair's ``PairView``: from the board's page, or worked out for the pair's own page."""
        if getattr(pair, "board", None) is None:
            pair.board = board_views([pair])[0]
        return pair.board

    # Columns

    @admin.display(description=_("cohort"), ordering="run__cohort__start_date")
    def cohort(self, pair: Pair) -> str:
        return str(pair.run.cohort)

    @admin.display(description=_("mentor"), ordering="mentor__user__preferred_name")
    def mentor_name(self, pair: Pair) -> str:
        return pair.mentor.user.display_name

    @admin.display(description=_("mentee"), ordering="mentee__user__preferred_name")
    def mentee_name(self, pair: Pair) -> str:
        return pair.mentee.user.display_name

    @admin.display(description=_("status"), ordering="status")
    def pair_status(self, pair: Pair) -> str:
        if pair.status == Match.Status.ENDED:
            state, label = "ended", Match.Status.ENDED.label
        elif self.view_of(pair).paused:
            state, label = "paused", gettext("Paused")
        else:
            state, label = "active", Match.Status.ACTIVE.label
        return format_html('<span class="pair-status pair-status-{}">{}</span>', state, label)

    @admin.display(description=_("weeks"))
    def week_strip(self, pair: Pair) -> str:
        """One cell per week of the period: its number, a mark and a colour for its state, and the state in
        words (in the cell's title, and for screen readers)."""
        view = self.view_of(pair)
        cells = []
        for week in view.weeks:
            state = week.state
            label, mark = WEEK_STATES[state]
            words = gettext("Week %(number)d, %(day)s: %(state)s") % {
                "number": week.number,
                "day": formats.date_format(week.monday, "SHORT_DATE_FORMAT"),
                "state": label,
            }
            cells.append((state, words, week.number, mark, words))
        items = format_html_join(
            "",
            '<li class="pair-week pair-week-{}" title="{}"><span aria-hidden="true">{}<br>{}</span>'
            '<span class="pair-week-words">{}</span></li>',
            cells,
        )
        return format_html('<ol class="pair-weeks" aria-label="{}">{}</ol>', gettext("Weeks of the period"), items)

    @admin.display(description=_("last contact"), ordering="last_met_on")
    def last_contact(self, pair: Pair) -> str:
        day = self.view_of(pair).last_contact
        return formats.date_format(day) if day else "—"

    @admin.display(description=_("weeks without a log"))
    def weeks_without_log(self, pair: Pair) -> int | str:
        return "—" if pair.status == Match.Status.ENDED else self.view_of(pair).missing_weeks

    @admin.display(description=_("at risk"), boolean=True)
    def at_risk(self, pair: Pair) -> bool:
        return self.view_of(pair).at_risk

    # The pair's own page

    @admin.display(description=_("mentorship period"))
    def period(self, pair: Pair) -> str:
        view = self.view_of(pair)
        return gettext("%(first)s to %(last)s (%(weeks)d weeks)") % {
            "first": formats.date_format(view.period.starts_on),
            "last": formats.date_format(view.period.ends_on),
            "weeks": view.period.weeks,
        }

    @admin.display(description=_("meeting logs"))
    def meeting_logs(self, pair: Pair) -> str:
        count = len(self.view_of(pair).logs)
        url = reverse("admin:meetings_meetinglog_changelist") + "?" + urlencode({"match__id__exact": pair.pk})
        label = ngettext("%(count)d meeting log", "%(count)d meeting logs", count) % {"count": count}
        return format_html('<a href="{}">{}</a>', url, label)

    # Actions: each calls the service for each selected pair and says what changed.

    def _report(self, request, done: str | None, left: str | None) -> None:
        if done:
            self.message_user(request, done, messages.SUCCESS)
        if left:
            self.message_user(request, left, messages.WARNING)

    @admin.action(description=_("Pause the selected pairs (no reminders)"), permissions=["change"])
    def pause(self, request, queryset):
        pairs = list(queryset)
        done = sum(pair_pause(match=pair, by=request.user) for pair in pairs)
        left = len(pairs) - done
        self._report(
            request,
            done
            and ngettext(
                "%(count)d pair paused: no check-in reminder until it is resumed.",
                "%(count)d pairs paused: no check-in reminder until they are resumed.",
                done,
            )
            % {"count": done},
            left
            and ngettext(
                "%(count)d pair left as it was (already paused or ended).",
                "%(count)d pairs left as they were (already paused or ended).",
                left,
            )
            % {"count": left},
        )

    @admin.action(description=_("Resume the selected pairs"), permissions=["change"])
    def resume(self, request, queryset):
        pairs = list(queryset)
        done = sum(pair_resume(match=pair, by=request.user) for pair in pairs)
        left = len(pairs) - done
        self._report(
            request,
            done and ngettext("%(count)d pair resumed.", "%(count)d pairs resumed.", done) % {"count": done},
            left
            and ngettext(
                "%(count)d pair left as it was (not paused).", "%(count)d pairs left as they were (not paused).", left
            )
            % {"count": left},
        )

    @admin.action(description=_("End the selected pairs"), permissions=["change"])
    def end(self, request, queryset):
        """Asks first (a page listing the pairs), then ends each pair: its reminders stop for good."""
        pairs = list(queryset)
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("End these pairs?"),
                "opts": self.opts,
                "pairs": pairs,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "select_across": request.POST.get("select_across", "0"),
            }
            return TemplateResponse(request, "admin/meetings/pair/end_confirmation.html", context)
        done = sum(pair_end(match=pair, by=request.user) for pair in pairs)
        left = len(pairs) - done
        self._report(
            request,
            done
            and ngettext(
                "%(count)d pair ended: its reminders stop.", "%(count)d pairs ended: their reminders stop.", done
            )
            % {"count": done},
            left
            and ngettext("%(count)d pair was ended already.", "%(count)d pairs were ended already.", left)
            % {"count": left},
        )
        return None

    @admin.action(description=_("Extend the selected pairs by 4 weeks"), permissions=["change"])
    def extend(self, request, queryset):
        done, refusals = 0, []
        for pair in queryset:
            try:
                pair_extend(match=pair, weeks=EXTEND_WEEKS, by=request.user)
            except MeetingError as error:
                refusals.append(str(error))
            else:
                done += 1
        self._report(
            request,
            done
            and ngettext("%(count)d pair extended by 4 weeks.", "%(count)d pairs extended by 4 weeks.", done)
            % {"count": done},
            None,
        )
        if refusals:
            message = ngettext(
                "%(count)d pair was not extended: %(reason)s",
                "%(count)d pairs were not extended: %(reason)s",
                len(refusals),
            ) % {"count": len(refusals), "reason": refusals[0]}
            self.message_user(request, message, messages.ERROR)


# --- Meeting logs ------------------------------------------------------------------------------


def meeting_logs_csv(queryset, *, include_private_note: bool) -> str:
    """The logs of ``queryset`` as CSV text, in two queries at any size; topics in the active language.
    The mentors' private notes are written only when the reader may see them (``include_private_note``)."""
    logs = (
        MeetingLog.objects.filter(pk__in=queryset.order_by().values("pk"))
        .select_related("match__run__cohort__program", "match__mentor__user", "match__mentee__user")
        .prefetch_related("topics")
        .order_by(*CSV_ORDER)
    )
    header = [gettext("cohort"), gettext("mentor"), gettext("mentee"), gettext("week of"), gettext("week number"),
              gettext("met"), gettext("date"), gettext("minutes"), gettext("format"), gettext("topics"),
              gettext("shared notes"), gettext("why they did not meet"), gettext("mentee's answer"),
              gettext("mentee's comment")]  # fmt: skip
    if include_private_note:
        header.append(gettext("private note for staff"))
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([safe_cell(str(cell)) for cell in header])
    for log in logs:
        match = log.match
        row = [
            str(match.run.cohort),
            match.mentor.user.display_name,
            match.mentee.user.display_name,
            log.week.isoformat(),
            period_of(match).week_number(log.week) or "",
            gettext("yes") if log.met else gettext("no"),
            log.met_on.isoformat() if log.met_on else "",
            log.duration_minutes or "",
            log.get_format_display(),
            "; ".join(topic.name for topic in log.topics.all()),
            log.shared_notes,
            log.not_met_reason,
            log.get_mentee_response_display(),
            log.mentee_comment,
        ]
        if include_private_note:
            row.append(log.private_note)
        writer.writerow([safe_cell(cell) for cell in row])
    return output.getvalue()


@admin.register(MeetingLog)
class MeetingLogAdmin(HistoryAdmin):
    """Every week a mentor logged. The mentors' private notes show only to staff holding
    ``meetings.view_private_note``: in the list, the page and the CSV export."""

    list_display = ["pair", "week", "met", "duration_minutes", "format", "mentee_response", "logged_by",
                    "created_at"]  # fmt: skip
    list_filter = ["met", "mentee_response", "format", ("match__run__cohort", PairCohortFilter)]
    list_select_related = ["match__mentor__user", "match__mentee__user", "logged_by"]
    search_fields = ["match__mentor__user__email", "match__mentor__user__preferred_name",
                     "match__mentee__user__email", "match__mentee__user__preferred_name"]  # fmt: skip
    ordering = ["-week", "-created_at"]
    date_hierarchy = "week"
    raw_id_fields = ["match", "logged_by"]
    filter_horizontal = ["topics"]
    readonly_fields = ["logged_by", "created_at", "updated_at", "mentee_response", "mentee_comment",
                       "mentee_responded_at"]  # fmt: skip
    actions = ["export_csv"]

    @admin.display(description=_("pair"), ordering="match__mentor__user__preferred_name")
    def pair(self, log: MeetingLog) -> str:
        return pair_name(log.match)

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        return [*columns, "private_note"] if can_see_private_notes(request) else columns

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if can_see_private_notes(request) else [name for name in fields if name != "private_note"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if can_see_private_notes(request) else [name for name in fields if name != "private_note"]

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        return exclude if can_see_private_notes(request) else [*exclude, "private_note"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.logged_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Export the selected logs as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-logs-{timezone.localdate():%Y-%m-%d}.csv"'
        response.write("\ufeff")  # a byte-order mark, so that spreadsheets read the accents as UTF-8
        response.write(meeting_logs_csv(queryset, include_private_note=can_see_private_notes(request)))
        return response


@admin.register(Topic)
class TopicAdmin(BilingualNameAdmin):
    pass


# --- The ledger: what was sent and decided, read-only ------------------------------------------


class LedgerAdmin(admin.ModelAdmin):
    """Rows the reminder tasks write: staff read them; changing one would send a reminder twice or never."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(LedgerAdmin):
    list_display = ["user", "kind", "on", "created_at", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__preferred_name"]
    date_hierarchy = "on"
    ordering = ["-on", "-created_at"]


@admin.register(ReminderPause)
class ReminderPauseAdmin(LedgerAdmin):
    list_display = ["user", "week", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__preferred_name"]
    ordering = ["-week"]


@admin.register(AtRiskAlert)
class AtRiskAlertAdmin(LedgerAdmin):
    list_display = ["pair", "cohort", "missing_since", "created_at", "digest"]
    list_filter = [("match__run__cohort", PairCohortFilter)]
    list_select_related = ["match__mentor__user", "match__mentee__user", "match__run__cohort__program", "digest"]
    search_fields = MeetingLogAdmin.search_fields
    ordering = ["-created_at"]

    @admin.display(description=_("pair"), ordering="match__mentor__user__preferred_name")
    def pair(self, alert: AtRiskAlert) -> str:
        return pair_name(alert.match)

    @admin.display(description=_("cohort"))
    def cohort(self, alert: AtRiskAlert) -> str:
        return str(alert.match.run.cohort)


class AtRiskAlertInline(admin.TabularInline):
    model = AtRiskAlert
    fields = ["match", "missing_since", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("match__mentor__user", "match__mentee__user")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StaffDigest)
class StaffDigestAdmin(LedgerAdmin):
    list_display = ["on", "created_at", "alert_count"]
    inlines = [AtRiskAlertInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(alert_count=Count("alerts"))

    @admin.display(description=_("pairs at risk"), ordering="alert_count")
    def alert_count(self, digest: StaffDigest) -> int:
        return digest.alert_count
