"""Staff review and decide applications here. Applications change only through applications.services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cohorts.admin import CohortListFilter
from cohorts.models import Cohort, Program, Role
from mentorship import data_versions
from mentorship.admin_labels import LabelledListEditableMixin, LabelledTabularInline
from mentorship.history_admin import HistoryAdmin
from mentorship.kept_pages import kept_page

from . import services
from .exports import applications_csv, identity_answers
from .models import (
    Application,
    Availability,
    ConfidenceStatement,
    OutreachChannel,
    Question,
    Review,
    RubricCriterion,
    SelfIdentification,
    Tag,
)

Status = Application.Status
IDENTITY_PERMISSION = "applications.view_identity"
SCORE_CHOICES = [("", "—"), *((score, str(score)) for score in range(1, 6))]
SCORE_PREFIX = "score_"


def can_see_identity(request) -> bool:
    return request.user.has_perm(IDENTITY_PERMISSION)


def _table(headers, rows, *, empty: str) -> str:
    """A small read-only table, every cell escaped; ``empty`` when there is no row."""
    rows = list(rows)
    if not rows:
        return empty
    head = format_html_join("", '<th scope="col">{}</th>', ((header,) for header in headers))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows)
    )
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


# --- Lists of choices staff manage -----------------------------------------------------------


class BilingualNameAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["active"]
    search_fields = ["name_en", "name_fr"]


@admin.register(Tag)
class TagAdmin(BilingualNameAdmin):
    list_display = ["name_en", "name_fr", "kind", "position", "active"]
    list_filter = ["kind", "active"]


@admin.register(OutreachChannel)
class OutreachChannelAdmin(BilingualNameAdmin):
    pass


@admin.register(ConfidenceStatement)
class ConfidenceStatementAdmin(BilingualNameAdmin):
    pass


@admin.register(RubricCriterion)
class RubricCriterionAdmin(BilingualNameAdmin):
    list_display = ["name_en", "name_fr", "role", "position", "active"]
    list_filter = ["role", "active"]


@admin.register(Question)
class QuestionAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["text_en", "cohort", "role", "kind", "position", "required"]
    list_editable = ["position", "required"]
    list_filter = [("cohort", CohortListFilter), "role", "kind", "required"]
    list_select_related = ["cohort__program"]
    search_fields = ["text_en", "text_fr"]
    ordering = ["cohort", "role", "position", "id"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cohort":
            kwargs["queryset"] = Cohort.objects.select_related("program")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Reviews ---------------------------------------------------------------------------------


class ReviewForm(forms.ModelForm):
    """One reviewer's notes; ReviewInline adds a 1-5 field per rubric criterion (``score_<id>``)."""

    class Meta:
        model = Review
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in self.fields:
                if name.startswith(SCORE_PREFIX):
                    self.initial[name] = self.instance.scores.get(name.removeprefix(SCORE_PREFIX))

    def scores(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix(SCORE_PREFIX)): value
            for name, value in self.cleaned_data.items()
            if name.startswith(SCORE_PREFIX)
        }


def review_form_for(criteria: list[RubricCriterion]) -> type[ReviewForm]:
    fields = {
        f"{SCORE_PREFIX}{criterion.pk}": forms.TypedChoiceField(
            label=criterion.name, choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False
        )
        for criterion in criteria
    }
    return type("ReviewForm", (ReviewForm,), fields)


class ReviewFormSet(BaseInlineFormSet):
    reviewer = None  # the person reviewing, set on the class ReviewInline.get_formset makes for each request

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk and form.instance.reviewer_id != getattr(self.reviewer, "pk", None):
            # Another reviewer's review: shown, never changed (the pk and parent fields identify the row).
            for name, field in form.fields.items():
                if name not in (self.model._meta.pk.name, self.fk.name):
                    field.disabled = True


class ReviewInline(LabelledTabularInline):
    """Every reviewer's scores; each staff member adds or edits only their own."""

    model = Review
    form = ReviewForm
    formset = ReviewFormSet
    can_delete = False
    readonly_fields = ["reviewer", "score_summary", "mean"]
    ordering = ["updated_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")

    def criteria(self, request, application: Application | None) -> list[RubricCriterion]:
        """The active criteria of the application's role, looked up once per request."""
        if application is None:
            return []
        cache = request.__dict__.setdefault("_rubric_criteria", {})
        if application.role not in cache:
            cache[application.role] = list(
                RubricCriterion.objects.filter(Q(role="") | Q(role=application.role), active=True)
            )
        return cache[application.role]

    def get_fields(self, request, obj=None):
        if not self.has_change_permission(request, obj):
            # Staff who may only read reviews see every row read-only: the scores as one column.
            return ["reviewer", "score_summary", "notes", "mean"]
        return ["reviewer", *(f"{SCORE_PREFIX}{c.pk}" for c in self.criteria(request, obj)), "notes", "mean"]

    @admin.display(description=_("scores"))
    def score_summary(self, review: Review) -> str:
        names = RubricCriterion.objects.in_bulk([int(key) for key in review.scores])
        return ", ".join(
            f"{names[int(key)].name if int(key) in names else key}: {score}" for key, score in review.scores.items()
        )

    def reviews_and_own(self, request, application: Application | None) -> tuple[int, bool]:
        """How many reviews the application has, and whether this person wrote one of them."""
        if application is None:
            return 0, False
        cache = request.__dict__.setdefault("_review_counts", {})
        if application.pk not in cache:
            reviewers = list(application.reviews.values_list("reviewer_id", flat=True))
            cache[application.pk] = (len(reviewers), request.user.pk in reviewers)
        return cache[application.pk]

    def get_extra(self, request, obj=None, **kwargs):
        # One empty row for a reviewer who has not reviewed yet; their own review otherwise.
        _count, own = self.reviews_and_own(request, obj)
        return 0 if own or obj is None or not self.has_add_permission(request, obj) else 1

    def get_max_num(self, request, obj=None, **kwargs):
        count, _own = self.reviews_and_own(request, obj)
        return count + self.get_extra(request, obj, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = review_form_for(self.criteria(request, obj))
        formset = super().get_formset(request, obj, **kwargs)
        formset.reviewer = request.user  # a new class for each request
        return formset


# --- Applications ----------------------------------------------------------------------------


class ReviewStateFilter(admin.SimpleListFilter):
    title = _("review state")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("none", _("not reviewed")),
            ("any", _("reviewed")),
            ("mine", _("reviewed by me")),
            ("not_mine", _("not reviewed by me")),
        ]

    def queryset(self, request, queryset):
        reviews = Review.objects.filter(application=OuterRef("pk"))
        mine = reviews.filter(reviewer=request.user)
        conditions = {"none": ~Exists(reviews), "any": Exists(reviews), "mine": Exists(mine), "not_mine": ~Exists(mine)}
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return queryset


def _per_application(aggregate):
    reviews = Review.objects.filter(application=OuterRef("pk")).order_by().values("application")
    return Subquery(reviews.annotate(value=aggregate).values("value")[:1])


def _list_tables() -> tuple[str, ...]:
    """Every table the application list is drawn from: its rows, their reviews, people, cohorts and channels, and
    the staff member's permissions. A person's sign-in time is the only change that does not count."""
    User = get_user_model()
    watch = data_versions.watch
    return (
        watch(Application),
        watch(Review),
        watch(OutreachChannel),
        watch(Cohort),
        watch(Program),
        watch(User, except_columns=("last_login",)),
        watch(User.groups.through),
        watch(User.user_permissions.through),
        watch(Group.permissions.through),
        watch(Permission),
    )


LIST_TABLES = _list_tables()


@admin.register(Application)
class ApplicationAdmin(HistoryAdmin):
    list_display = [
        "person",
        "cohort",
        "role",
        "status",
        "submitted_at",
        "review_count",
        "average_score",
        "is_alumni",
        "outreach_channel",
    ]
    list_filter = [
        ("cohort", CohortListFilter),
        "role",
        "status",
        ReviewStateFilter,
        "outreach_channel",
        "is_alumni",
    ]
    search_fields = ["user__email", "user__preferred_name"]
    list_select_related = ["cohort__program", "user", "outreach_channel"]
    ordering = [F("submitted_at").desc(nulls_last=True)]
    inlines = [ReviewInline]
    history_list_display = ["status"]
    actions = ["accept", "waitlist", "decline", "export_csv"]
    view_on_site = False  # the public page is the applicant's own

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("cohort__program", "user", "outreach_channel")
            # Per-row subqueries rather than a join with every review: the page and its counts stay cheap
            # however many reviews there are (measured in bench/bench_applications.py).
            .annotate(
                review_count=Coalesce(_per_application(Count("pk")), 0),
                average_score=_per_application(Avg("mean")),
            )
        )

    def changelist_view(self, request, extra_context=None):
        """The list, kept per staff member and address until an application, review, person, cohort, channel or
        permission changes (mentorship/kept_pages.py): staff going back to it, or through its pages, wait for one
        query instead of the whole list."""
        draw = super().changelist_view
        if extra_context is not None:
            return draw(request, extra_context)
        return kept_page(request, LIST_TABLES, lambda: draw(request))

    def has_add_permission(self, request):
        return False  # applicants apply on the site

    def has_delete_permission(self, request, obj=None):
        # The confirmation page would list the self-identification to staff who may not see it; erasing a
        # person's data is a service of its own.
        return False

    def score_ordering_param(self, request) -> str:
        """The ``o`` query parameter that sorts the list by mean score, best first, as this person sees it."""
        columns = list(self.get_list_display(request))
        if self.get_actions(request):
            columns.insert(0, "action_checkbox")
        return f"-{columns.index('average_score')}"

    # Columns

    def action_checkbox(self, obj):
        """Django's checkbox column, the same markup written out directly: rendering the checkbox widget's
        templates for each row was a quarter of the 100-row page's time (bench/bench_load.py)."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    @admin.display(description=_("applicant"), ordering="user__preferred_name")
    def person(self, application: Application) -> str:
        return format_html("{}<br><small>{}</small>", application.user.display_name, application.user.email)

    @admin.display(description=_("reviews"), ordering="review_count")
    def review_count(self, application: Application) -> int:
        return application.review_count

    @admin.display(description=_("mean score"), ordering=F("average_score").asc(nulls_first=True))
    def average_score(self, application: Application) -> str:
        if application.average_score is None:
            return "—"
        return formats.number_format(application.average_score, 2)

    # The application's page: everything read-only except the reviewer's own review.

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {"fields": ["person_details", "cohort", "role", "status", "is_alumni", "submitted_at", "decided_at"]},
            ),
            (
                _("For matching"),
                {"fields": ["goal_names", "skill_names", "industry_names", "time_zone", "availability_labels"]},
            ),
            (_("Outreach"), {"fields": ["outreach_channel"]}),
        ]
        if obj is not None and obj.role == Role.MENTOR:
            fieldsets.append((_("Mentoring"), {"fields": ["mentee_capacity", "wants_stipend"]}))
        fieldsets += [
            (_("Answers"), {"fields": ["answer_table"]}),
            (_("Confidence at application"), {"fields": ["confidence_table"]}),
        ]
        if can_see_identity(request):
            fieldsets.append((_("Self-identification"), {"fields": ["identity_table"]}))
        fieldsets.append((_("History"), {"fields": ["history_table"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.get_fieldsets(request, obj))

    def save_model(self, request, obj, form, change):
        """Nothing of the application itself is edited here: saving the page saves the reviewer's review."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Review:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for review_form in formset.forms:
            review = review_form.instance
            own = review.pk is None or review.reviewer_id == request.user.pk
            if not own or not review_form.has_changed():
                continue
            saved = services.review_save(
                application=form.instance,
                reviewer=request.user,
                scores=review_form.scores(),
                notes=review_form.cleaned_data.get("notes", ""),
            )
            if review.pk is None:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, review_form.changed_data))
        return None

    @admin.display(description=_("applicant"))
    def person_details(self, application: Application) -> str:
        user = application.user
        details = [
            user.display_name,
            user.pronouns,
            user.email,
            user.get_language_display(),
        ]
        return format_html_join(" · ", "{}", ((detail,) for detail in details if detail))

    @admin.display(description=_("goals"))
    def goal_names(self, application: Application) -> str:
        return ", ".join(tag.name for tag in application.goals.all()) or "—"

    @admin.display(description=_("skills"))
    def skill_names(self, application: Application) -> str:
        return ", ".join(tag.name for tag in application.skills.all()) or "—"

    @admin.display(description=_("industries"))
    def industry_names(self, application: Application) -> str:
        return ", ".join(tag.name for tag in application.industries.all()) or "—"

    @admin.display(description=_("weekly availability"))
    def availability_labels(self, application: Application) -> str:
        labels = dict(Availability.choices)
        return ", ".join(str(labels.get(slot, slot)) for slot in application.availability or []) or "—"

    @admin.display(description=_("answers"))
    def answer_table(self, application: Application) -> str:
        answers = {answer.question_id: answer for answer in application.answers.select_related("question")}
        questions = application.cohort.questions.filter(role=application.role).order_by("position", "id")
        rows = (
            (
                question.text,
                linebreaksbr(answers[question.pk].display(), autoescape=True) if question.pk in answers else "—",
            )
            for question in questions
        )
        return _table([gettext("Question"), gettext("Answer")], rows, empty=gettext("This cohort asks no question."))

    @admin.display(description=_("confidence"))
    def confidence_table(self, application: Application) -> str:
        ratings = application.confidence_ratings.select_related("statement").order_by(
            "statement__position", "statement__name_en"
        )
        return _table(
            [gettext("Statement"), gettext("Rating from 1 to 5")],
            ((rating.statement.name, rating.rating) for rating in ratings),
            empty=gettext("No rating given yet."),
        )

    @admin.display(description=_("self-identification"))
    def identity_table(self, application: Application) -> str:
        # Only in the page of staff holding applications.view_identity: see get_fieldsets.
        try:
            identity = application.self_identification
        except SelfIdentification.DoesNotExist:
            return gettext("No answers given.")
        rows = [(label, chosen or "—") for label, chosen in identity_answers(identity)]
        rows.append((gettext("Share with my match"), gettext("yes") if identity.share_with_match else gettext("no")))
        rows.append((gettext("Consent given at"), _when(identity.consented_at)))
        return _table([gettext("Question"), gettext("Answer")], rows, empty="—")

    @admin.display(description=_("history"))
    def history_table(self, application: Application) -> str:
        events = application.events.select_related("actor")
        rows = (
            (_when(event.at), event.get_kind_display(), event.actor or "—", _when(event.email_sent_at))
            for event in events
        )
        return _table(
            [gettext("When"), gettext("What happened"), gettext("By"), gettext("Email sent")], rows, empty="—"
        )

    # Actions

    def _decide(self, request, queryset, decision: str) -> None:
        changed, refusals = services.applications_decide(applications=queryset, decision=decision, by=request.user)
        if changed:
            self.message_user(request, services.decision_summary(changed, decision), messages.SUCCESS)
        elif not refusals:
            self.message_user(request, gettext("Nothing changed: no email was sent."), messages.INFO)
        for refusal in refusals:
            self.message_user(request, refusal, messages.ERROR)

    @admin.action(description=_("Accept the selected applications and email them"), permissions=["change"])
    def accept(self, request, queryset):
        # When places run out, the best-scored are accepted first, then the earliest submitted.
        self._decide(
            request,
            queryset.order_by(F("average_score").desc(nulls_last=True), "submitted_at", "pk"),
            Status.ACCEPTED,
        )

    @admin.action(description=_("Waitlist the selected applications and email them"), permissions=["change"])
    def waitlist(self, request, queryset):
        self._decide(request, queryset, Status.WAITLISTED)

    @admin.action(description=_("Decline the selected applications and email them"), permissions=["change"])
    def decline(self, request, queryset):
        self._decide(request, queryset, Status.DECLINED)

    @admin.action(description=_("Export the selected applications as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="applications-{timezone.localdate():%Y-%m-%d}.csv"'
        response.write("\ufeff")  # a byte-order mark, so that spreadsheets read the accents as UTF-8
        response.write(applications_csv(queryset, include_identity=can_see_identity(request)))
        return response
