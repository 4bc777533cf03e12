from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Participant
from mentorship.history_admin import HistoryAdmin

from . import services
from .forms import WEIGHT_LABELS, RunForm
from .models import Match, MatchRun, PairRule

QUALITY_LABELS = {
    "matched_share": _("Matched share"),
    "first_choice_share": _("Got their first choice"),
    "top3_share": _("Got one of their top three"),
    "mean_rank_mentee": _("Mean rank, mentees"),
    "worst_rank_mentee": _("Worst rank, mentees"),
    "mean_rank_mentor": _("Mean rank, mentors"),
    "worst_rank_mentor": _("Worst rank, mentors"),
    "blocking_pairs": _("Blocking pairs"),
    "total_score": _("Total score"),
}


REASON_LABELS = {
    "no_candidate": _("No possible pair (they have no candidate)."),
    "forbidden_all": _("Every pair they could have is forbidden."),
    "no_capacity": _("Every mentor they could have takes no mentees."),
    "all_candidates_full": _("Every mentor they could have is full with other mentees."),
    "capacity_zero": _("Their capacity is zero."),
    "all_candidates_matched": _("Every mentee they could have is matched with someone else."),
    "not_chosen": _("Left out although a place existed."),
}


def _parts(parts) -> str:
    return ", ".join(f"{WEIGHT_LABELS.get(name, name)} {value:.2f}" for name, value in parts) or "—"


class MatchInline(admin.TabularInline):
    model = Match
    extra = 0
    can_delete = False
    fields = ["mentee", "mentor", "score", "explanation", "mentee_rank", "mentor_rank", "pinned", "from_completion",
              "status"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mentee__user", "mentor__user", "run")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("score parts"))
    def explanation(self, match: Match) -> str:
        return _parts(match.parts)


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cohort", "mode", "matched", "published_at"]
    list_filter = ["cohort", "mode"]
    list_select_related = ["cohort__program"]
    inlines = [MatchInline]
    actions = ["publish", "compare"]
    readonly_fields = ["cohort", "mode", "weights", "quality_table", "unmatched_table", "created_by", "created_at",
                       "published_at", "published_by"]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("matched"))
    def matched(self, run: MatchRun) -> str:
        share = run.quality.get("matched_share")
        return f"{share:.0%}" if share is not None else "—"

    @admin.display(description=_("quality"))
    def quality_table(self, run: MatchRun) -> str:
        def shown(key: str, value) -> str:
            if key.endswith("_share") and value is not None:
                return f"{value:.0%}"
            return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)

        rows = ((QUALITY_LABELS.get(key, key), shown(key, value)) for key, value in run.quality.items())
        return format_html_join("", "<div><strong>{}</strong>: {}</div>", rows)

    @admin.display(description=_("unmatched, and why"))
    def unmatched_table(self, run: MatchRun) -> str:
        people = Participant.objects.in_bulk([row["participant"] for row in run.unmatched])
        return (
            format_html_join(
                "",
                "<div>{} — {}</div>",
                (
                    (people.get(row["participant"]), REASON_LABELS.get(row["reason"], row["reason"]))
                    for row in run.unmatched
                ),
            )
            or "—"
        )

    @admin.action(description=_("Publish the selected run and email the pairs"), permissions=["change"])
    def publish(self, request, queryset):
        for run in queryset:
            try:
                services.match_run_publish(run=run, by=request.user)
            except services.MatchingError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, gettext("Published: both people of each pair are being emailed."))

    @admin.action(description=_("Compare the two selected runs"), permissions=["view"])
    def compare(self, request, queryset):
        runs = list(queryset.select_related("cohort")[:3])
        if len(runs) != 2:
            self.message_user(request, gettext("Select exactly two runs to compare."), messages.ERROR)
            return None
        rows = [(label, [run.quality.get(key) for run in runs]) for key, label in QUALITY_LABELS.items()]
        return TemplateResponse(
            request,
            "admin/matching/compare.html",
            {**self.admin_site.each_context(request), "runs": runs, "rows": rows, "title": gettext("Compare runs")},
        )

    def get_urls(self):
        urls = [path("run/<int:cohort_id>/", self.admin_site.admin_view(self.run_view), name="matching_run")]
        return urls + super().get_urls()

    def run_view(self, request, cohort_id: int):
        """Staff choose the mode and the weights, then run the engine for the cohort."""
        cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
        if not request.user.has_perm("matching.add_matchrun"):
            return redirect("admin:index")
        form = RunForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = services.match_run_create(
                    cohort=cohort, mode=form.cleaned_data["mode"], weights=form.weights(), by=request.user
                )
            except services.MatchingError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, gettext("The proposal is ready: inspect it, adjust the rules, publish."))
                return redirect(reverse("admin:matching_matchrun_change", args=[run.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "cohort": cohort,
                   "title": gettext("Run matching")}  # fmt: skip
        return TemplateResponse(request, "admin/matching/run.html", context)


@admin.register(PairRule)
class PairRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "mentee", "mentor", "reason", "cohort"]
    list_filter = ["kind", "cohort"]
    list_select_related = ["mentee__user", "mentor__user", "cohort__program", "mentee__cohort__program",
                           "mentor__cohort__program"]  # fmt: skip
    autocomplete_fields = []
    raw_id_fields = ["mentee", "mentor"]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)


@admin.register(Match)
class MatchAdmin(HistoryAdmin):
    list_display = ["mentee", "mentor", "status", "score", "run"]
    list_filter = ["status", "run__cohort"]
    list_select_related = ["mentee__user", "mentor__user", "run__cohort__program", "mentee__cohort__program",
                           "mentor__cohort__program"]  # fmt: skip
    actions = ["end", "swap"]
    history_list_display = ["status"]
    raw_id_fields = ["run", "mentee", "mentor"]
    readonly_fields = ["run", "mentee", "mentor", "score", "parts", "mentee_rank", "mentor_rank", "pinned",
                       "from_completion", "added_by_staff", "ended_at"]  # fmt: skip

    def get_fields(self, request, obj=None):
        # Adding a pair to a published run: only who, the rest follows.
        return ["run", "mentee", "mentor"] if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            added = services.match_add(run=obj.run, mentee=obj.mentee, mentor=obj.mentor, by=request.user)
        except services.MatchingError as error:
            raise ValidationError(error.messages) from error
        obj.pk = added.pk

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            admin_form = form

            class AddPairForm(admin_form):
                def clean(self):
                    data = super().clean()
                    run, mentee, mentor = data.get("run"), data.get("mentee"), data.get("mentor")
                    if run and mentee and mentor:
                        try:
                            services.match_add_check(run=run, mentee=mentee, mentor=mentor)
                        except services.MatchingError as error:
                            raise ValidationError(error.messages) from error
                    return data

            return AddPairForm
        return form

    @admin.action(description=_("End the selected pairs"), permissions=["change"])
    def end(self, request, queryset):
        for match in queryset:
            services.match_end(match=match, by=request.user)

    @admin.action(description=_("Swap the mentors of the two selected pairs (pins them for the next run)"),
                  permissions=["change"])  # fmt: skip
    def swap(self, request, queryset):
        matches = list(queryset.select_related("run__cohort", "mentee", "mentor")[:3])
        if len(matches) != 2:
            self.message_user(request, gettext("Select exactly two pairs to swap."), messages.ERROR)
            return
        try:
            services.pairs_swap(first=matches[0], second=matches[1], by=request.user)
        except services.MatchingError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, gettext("The swapped pairs are pinned: run the matching again."))
