"""The cohort report: what staff show their funders, for one cohort or for a program's cohorts side by side.

Every figure is counted by the database (grouped queries, keyed by cohort), so the page runs the same
number of queries whatever the number of people, logs or answers, and for one cohort or several. The one
exception is the self-identification answers: they are encrypted at rest (``mentorship/crypto.py``), so
the database cannot count them; they are read in one query, counted here, and the counts (never the
answers) are cached until an answer of the cohort changes.

A report is a list of ``Table``s: the page draws each (with its chart), and each downloads as a CSV file,
from the same cells. Identity counts pass through ``reports.suppression``; confidence figures of fewer
than ``stats.MIN_PAIRS`` people are withheld. No table holds a person.
"""

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Avg, Count, Exists, F, FilteredRelation, Max, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from applications.identity import IDENTITY_QUESTIONS, PREFER_NOT_TO_SAY
from applications.models import (
    Application,
    ConfidenceStatement,
    IdentityTally,
    OutreachChannel,
    SelfIdentification,
)
from cohorts.models import Cohort, Participant, Role
from events.models import Attendance, Rating
from matching.models import Match
from meetings.models import AtRiskAlert, MeetingLog
from meetings.periods import week_start

from .models import Outcome, SurveyInvitation, SurveyRating, SurveyResponse
from .stats import MIN_PAIRS, paired_change
from .suppression import THRESHOLD, suppress

ROLES = (Role.MENTEE, Role.MENTOR)
TOP_CHOICES = 3  # "one of their top choices": the mentor was among the mentee's first three
DASH = "—"


@dataclass
class Table:
    slug: str
    title: str
    header: list[str]
    rows: list[list[str]]
    chart: dict | None = None
    note: str = ""
    empty_message: str = ""

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def chart_id(self) -> str:
        return f"{self.slug}-data"


@dataclass
class Report:
    cohorts: list[Cohort]
    tables: list[Table] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return any(not table.empty for table in self.tables)

    def table(self, slug: str) -> Table | None:
        return next((table for table in self.tables if table.slug == slug), None)


# --- Formatting ------------------------------------------------------------------------------


def percent(part: int | float, whole: int | float) -> str:
    return percent_of(100 * part / whole) if whole else DASH


def percent_of(value: float) -> str:
    # Translators: a percentage; French puts a (narrow) space before the sign.
    return _("%(value)s%%") % {"value": number_format(value, 0)}


def decimal(value: float | None, places: int = 1) -> str:
    return DASH if value is None else number_format(value, places, force_grouping=False)


def signed(value: float) -> str:
    text = number_format(value, 2)
    return text if text.startswith("-") else f"+{text}"


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- Columns: one per cohort and role ---------------------------------------------------------


@dataclass(frozen=True)
class Column:
    cohort: Cohort
    role: str
    label: str


def role_columns(cohorts: list[Cohort]) -> list[Column]:
    several = len(cohorts) > 1
    return [
        Column(cohort, role, f"{cohort.name} · {role_label(role)}" if several else role_label(role))
        for cohort in cohorts
        for role in ROLES
    ]


def chart(kind: str, labels: list[str], datasets: list[tuple[str, list]], *, percent_axis=False, horizontal=False):
    """What static/js/reports.js needs to draw a chart (bars or lines); None values are gaps."""
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "datasets": [{"label": str(label), "data": data} for label, data in datasets],
        "percent": percent_axis,
        "horizontal": horizontal,
    }


# --- The report ---------------------------------------------------------------------------------


def build_report(cohorts: list[Cohort], *, now: dt.datetime | None = None) -> Report:
    """The report of ``cohorts`` (one, or a program's, oldest first) at ``now``."""
    now = now or timezone.now()
    cohorts = sorted(cohorts, key=lambda cohort: cohort.start_date)
    report = Report(cohorts=cohorts)
    if not cohorts:
        return report
    ids = [cohort.pk for cohort in cohorts]
    columns = role_columns(cohorts)
    applications = _application_counts(ids)
    participants = _participant_counts(ids)
    matches = _match_counts(ids)
    still_meeting = _still_meeting(cohorts, now)
    surveys = _survey_counts(ids)
    events = _event_counts(ids)
    report.tables = [
        _funnel(columns, applications, participants, matches, still_meeting, events),
        *_identity_tables(cohorts, columns, applications),
        _outreach(ids, columns),
        _stipends(cohorts, applications, participants),
        _event_table(columns, events),
        _match_quality(cohorts, matches),
        _meeting_rate(cohorts, now),
        _at_risk(cohorts, matches),
        _confidence(cohorts),
        _recommend(cohorts, surveys),
        _outcomes(ids, columns),
        _alumni(ids, cohorts),
    ]
    return report


def _application_counts(ids) -> dict[tuple[int, str], dict]:
    rows = (
        Application.objects.filter(cohort__in=ids, submitted_at__isnull=False)
        .order_by()
        .values("cohort", "role")
        .annotate(
            applied=Count("pk"),
            accepted=Count("pk", filter=Q(status=Application.Status.ACCEPTED)),
            stipend=Count("pk", filter=Q(wants_stipend=True)),
            stipend_accepted=Count("pk", filter=Q(wants_stipend=True, status=Application.Status.ACCEPTED)),
        )
    )
    return {(row["cohort"], row["role"]): row for row in rows}


def _participant_counts(ids) -> dict[tuple[int, str], dict]:
    program_answer = SurveyResponse.objects.filter(
        invitation__participant=OuterRef("pk"), invitation__kind=SurveyInvitation.Kind.END_OF_PROGRAM
    )
    mentorship_answer = SurveyResponse.objects.filter(
        invitation__participant=OuterRef("pk"), invitation__kind=SurveyInvitation.Kind.END_OF_MENTORSHIP
    )
    rows = (
        Participant.objects.filter(cohort__in=ids)
        .alias(program=Exists(program_answer), mentorship=Exists(mentorship_answer))
        .order_by()
        .values("cohort", "role")
        .annotate(
            stipend_granted=Count("pk", filter=Q(stipend_granted=True)),
            both_surveys=Count("pk", filter=Q(program=True, mentorship=True)),
        )
    )
    return {(row["cohort"], row["role"]): row for row in rows}


def _published_pairs(ids):
    return Match.objects.filter(
        run__cohort__in=ids, run__published_at__isnull=False, status__in=[Match.Status.ACTIVE, Match.Status.ENDED]
    )


def _match_counts(ids) -> dict[int, dict]:
    rows = (
        _published_pairs(ids)
        .order_by()
        .values("run__cohort")
        .annotate(
            pairs=Count("pk"),
            mentees=Count("mentee", distinct=True),
            mentors=Count("mentor", distinct=True),
            top=Count("pk", filter=Q(mentee_rank__lte=TOP_CHOICES)),
            score=Avg("score"),
        )
    )
    return {row["run__cohort"]: row for row in rows}


def _last_weeks(cohort: Cohort, extra_weeks: int, now: dt.datetime) -> tuple[dt.date, dt.date] | None:
    """The two weeks that tell whether a pair was still meeting: its period's last two, or (while the
    period runs) the two weeks before this one. None before the period has two weeks behind it."""
    first = week_start(cohort.mentorship_starts_on)
    last = first + dt.timedelta(weeks=cohort.mentorship_weeks + extra_weeks - 1)
    current = week_start(timezone.localdate(now, timezone=cohort.zone))
    end = min(last, current - dt.timedelta(weeks=1))
    start = end - dt.timedelta(weeks=1)
    return (start, end) if start >= first else None


def _still_meeting(cohorts: list[Cohort], now: dt.datetime) -> dict[int, dict]:
    """Per cohort: the pairs, mentees and mentors with a meeting in the last two weeks (see ``_last_weeks``)."""
    ids = [cohort.pk for cohort in cohorts]
    by_id = {cohort.pk: cohort for cohort in cohorts}
    # order_by(): without it the model's ordering joins in and makes every pair distinct.
    extras = _published_pairs(ids).order_by().values_list("run__cohort", "extra_weeks").distinct()
    condition = Q(pk__in=[])
    for cohort_id, extra in extras:
        weeks = _last_weeks(by_id[cohort_id], extra, now)
        if weeks:
            condition |= Q(match__run__cohort=cohort_id, match__extra_weeks=extra, week__range=weeks)
    rows = (
        MeetingLog.objects.filter(condition, met=True, match__in=_published_pairs(ids))
        .order_by()
        .values("match__run__cohort")
        .annotate(
            pairs=Count("match", distinct=True),
            mentees=Count("match__mentee", distinct=True),
            mentors=Count("match__mentor", distinct=True),
        )
    )
    return {row["match__run__cohort"]: row for row in rows}


def _survey_counts(ids) -> dict[tuple[int, str, str], dict]:
    rows = (
        SurveyInvitation.objects.filter(participant__cohort__in=ids)
        .order_by()
        .values("participant__cohort", "participant__role", "kind")
        .annotate(
            sent=Count("pk"),
            answered=Count("response"),
            recommend=Avg("response__recommend"),
            promoters=Count("response", filter=Q(response__recommend__gte=9)),
            detractors=Count("response", filter=Q(response__recommend__lte=6)),
        )
    )
    return {(row["participant__cohort"], row["participant__role"], row["kind"]): row for row in rows}


def _event_counts(ids) -> dict[tuple[int, str], dict]:
    gave = Rating.objects.filter(event=OuterRef("event"), rater=OuterRef("participant"))
    rows = (
        Attendance.objects.filter(event__cohort__in=ids)
        .alias(rated=Exists(gave))
        .order_by()
        .values("event__cohort", "participant__role")
        .annotate(
            invited=Count("participant", distinct=True),
            coming=Count("participant", filter=Q(rsvp=Attendance.Rsvp.YES), distinct=True),
            attended=Count("participant", filter=Q(checked_in_at__isnull=False), distinct=True),
            rated=Count("participant", filter=Q(checked_in_at__isnull=False, rated=True), distinct=True),
        )
    )
    return {(row["event__cohort"], row["participant__role"]): row for row in rows}


def _funnel(columns, applications, participants, matches, still_meeting, events) -> Table:
    steps = [
        _("Applied"),
        _("Accepted into the cohort"),
        _("Attended the event"),
        _("Matched"),
        _("Still meeting at the end (or now)"),
        _("Answered both surveys"),
    ]
    role_key = {Role.MENTEE: "mentees", Role.MENTOR: "mentors"}
    values = []
    for column in columns:
        key = (column.cohort.pk, column.role)
        values.append(
            [
                applications.get(key, {}).get("applied", 0),
                applications.get(key, {}).get("accepted", 0),
                events.get(key, {}).get("attended", 0),
                matches.get(column.cohort.pk, {}).get(role_key[column.role], 0),
                still_meeting.get(column.cohort.pk, {}).get(role_key[column.role], 0),
                participants.get(key, {}).get("both_surveys", 0),
            ]
        )
    rows = [[step, *[str(value[index]) for value in values]] for index, step in enumerate(steps)]
    has_data = any(any(value) for value in values)
    return Table(
        slug="funnel",
        title=_("From application to the end of the mentorship"),
        header=[_("Step"), *[column.label for column in columns]],
        rows=rows if has_data else [],
        chart=chart("bar", steps, [(column.label, value) for column, value in zip(columns, values, strict=True)]),
        note=_(
            'People, by role. "Still meeting" counts those whose pair logged a meeting in one of its last two weeks.'
        ),
        empty_message=_("No one has applied to this cohort yet."),
    )


# --- Self-identification -----------------------------------------------------------------------


def _identity_counts(ids) -> dict[tuple[int, str, str, str], int]:
    """(cohort, role, question, answer) -> people who chose that answer, among the accepted: the answers on
    file plus the anonymous counts of those deleted. The live part is cached under a fingerprint of the
    cohorts' answers (any answer saved, deleted or newly accepted changes it)."""
    live = SelfIdentification.objects.filter(
        application__cohort__in=ids, application__status=Application.Status.ACCEPTED
    )
    fingerprint = live.aggregate(n=Count("pk"), pks=Sum("pk"), latest=Max("consented_at"))
    key = "report-identity:" + hashlib.sha256(repr((sorted(ids), fingerprint)).encode()).hexdigest()
    counts = cache.get(key)
    if counts is None:
        counts = Counter()
        for cohort_id, role, answers in live.values_list("application__cohort", "application__role", "answers"):
            for question, value in (answers or {}).items():
                for answer in value if isinstance(value, list) else [value]:
                    if answer not in (None, ""):
                        counts[(cohort_id, role, question, answer)] += 1
        cache.set(key, dict(counts), timeout=24 * 3600)
    counts = Counter(counts)
    for row in IdentityTally.objects.filter(cohort__in=ids, accepted=True).values(
        "cohort", "role", "question", "answer", "count"
    ):
        counts[(row["cohort"], row["role"], row["question"], row["answer"])] += row["count"]
    return counts


def _identity_tables(cohorts, columns, applications) -> list[Table]:
    counts = _identity_counts([cohort.pk for cohort in cohorts])
    tables = []
    for question in IDENTITY_QUESTIONS:
        answers = [choice for choice in question.choices if choice[0] != PREFER_NOT_TO_SAY]
        answers.append((PREFER_NOT_TO_SAY, _("Prefer not to say")))
        cells = {}
        for column in columns:
            pool = applications.get((column.cohort.pk, column.role), {}).get("accepted", 0)
            cells[column] = suppress(
                {value: counts.get((column.cohort.pk, column.role, question.key, value), 0) for value, _l in answers},
                pool=pool,
            )
        rows, datasets = [], {column: [] for column in columns}
        for value, label in answers:
            row = [str(label)]
            for column in columns:
                column_cells = cells[column]
                if column_cells is None:
                    row.append(DASH)
                    datasets[column].append(None)
                    continue
                cell = column_cells[value]
                row.append(str(cell) if cell.hidden else f"{percent(cell.count, cell.pool)} ({cell.count})")
                datasets[column].append(None if cell.hidden else share(cell.count, cell.pool))
            rows.append(row)
        shown = any(cells[column] is not None for column in columns) and any(
            counts.get((column.cohort.pk, column.role, question.key, value))
            for column in columns
            for value, _label in answers
        )
        tables.append(
            Table(
                slug=f"identity-{question.key}",
                title=str(question.label),
                header=[_("Answer"), *[column.label for column in columns]],
                rows=rows if shown else [],
                chart=chart(
                    "bar",
                    [row[0] for row in rows],
                    [(column.label, datasets[column]) for column in columns],
                    percent_axis=True,
                    horizontal=True,
                ),
                note=_(
                    "Accepted people who answered, as a share of all accepted people of the role. Answering is "
                    'optional and some questions take several answers. Counts under %(n)s are shown as "<%(n)s", '
                    "with a second count hidden where the first could be worked out; a role of fewer than %(n)s "
                    "people is not shown (—)."
                )
                % {"n": THRESHOLD},
                empty_message=_(
                    "No answers to show: no one accepted has answered, or fewer than %(n)s people were accepted "
                    "in each role."
                )
                % {"n": THRESHOLD},
            )
        )
    return tables


# --- Outreach, stipends, the event --------------------------------------------------------------


def _outreach(ids, columns) -> Table:
    rows = (
        Application.objects.filter(cohort__in=ids, submitted_at__isnull=False)
        .order_by()
        .values("cohort", "role", "outreach_channel")
        .annotate(applied=Count("pk"), accepted=Count("pk", filter=Q(status=Application.Status.ACCEPTED)))
    )
    counts = {(row["cohort"], row["role"], row["outreach_channel"]): row for row in rows}
    channels = [(channel.pk, channel.name) for channel in OutreachChannel.objects.all()]
    channels.append((None, _("Not said")))
    table_rows = []
    for channel_id, name in channels:
        cells = []
        for column in columns:
            row = counts.get((column.cohort.pk, column.role, channel_id))
            cells.append(f"{row['applied']} / {row['accepted']}" if row else "0 / 0")
        if any(cell != "0 / 0" for cell in cells):
            table_rows.append([str(name), *cells])
    return Table(
        slug="outreach",
        title=_("How people heard of the program"),
        header=[_("Channel"), *[column.label for column in columns]],
        rows=table_rows,
        note=_("Applied / accepted, by role."),
        empty_message=_("No applications yet."),
    )


def _stipends(cohorts, applications, participants) -> Table:
    rows = []
    for cohort in cohorts:
        requested = applications.get((cohort.pk, Role.MENTOR), {})
        granted = participants.get((cohort.pk, Role.MENTOR), {}).get("stipend_granted", 0)
        if requested or granted:
            rows.append(
                [
                    str(cohort.name),
                    str(requested.get("stipend", 0)),
                    str(requested.get("stipend_accepted", 0)),
                    str(granted),
                ]
            )
    return Table(
        slug="stipends",
        title=_("Mentor stipends"),
        header=[_("Cohort"), _("Requested"), _("Requested and accepted"), _("Granted")],
        rows=rows,
        empty_message=_("No mentor has applied yet."),
    )


def _event_table(columns, events) -> Table:
    rows = []
    for column in columns:
        row = events.get((column.cohort.pk, column.role))
        if row:
            rows.append(
                [
                    column.label,
                    str(row["invited"]),
                    str(row["coming"]),
                    str(row["attended"]),
                    str(row["rated"]),
                    percent(row["rated"], row["attended"]),
                ]
            )
    return Table(
        slug="event",
        title=_("The speed-networking event"),
        header=[
            _("People"),
            _("Invited"),
            _("Said they would come"),
            _("Attended"),
            _("Gave ratings"),
            _("Rating completion"),
        ],
        rows=rows,
        empty_message=_("No event has been held yet."),
    )


# --- The pairs ------------------------------------------------------------------------------------


def _match_quality(cohorts, matches) -> Table:
    rows = []
    for cohort in cohorts:
        row = matches.get(cohort.pk)
        if row:
            rows.append(
                [
                    str(cohort.name),
                    str(row["pairs"]),
                    percent(row["top"], row["pairs"]),
                    decimal(row["score"], 2),
                ]
            )
    return Table(
        slug="match-quality",
        title=_("Match quality"),
        header=[_("Cohort"), _("Pairs"), _("Mentees who got one of their top 3 choices"), _("Mean match score")],
        rows=rows,
        empty_message=_("No match has been published yet."),
    )


def _meeting_rate(cohorts: list[Cohort], now: dt.datetime) -> Table:
    """For each week of the period: the share of that week's pairs (begun, not ended before it) that met."""
    ids = [cohort.pk for cohort in cohorts]
    logs = (
        MeetingLog.objects.filter(match__in=_published_pairs(ids))
        .order_by()
        .values("match__run__cohort", "week")
        .annotate(met=Count("pk", filter=Q(met=True)))
    )
    met = {(row["match__run__cohort"], row["week"]): row["met"] for row in logs}
    pairs = (
        _published_pairs(ids)
        .annotate(ended_on=TruncDate("ended_at"))
        .order_by()
        .values("run__cohort", "extra_weeks", "ended_on")
        .annotate(n=Count("pk"))
    )
    groups = defaultdict(list)
    for row in pairs:
        groups[row["run__cohort"]].append(row)
    series, longest = {}, 0
    for cohort in cohorts:
        first = week_start(cohort.mentorship_starts_on)
        current = week_start(timezone.localdate(now, timezone=cohort.zone))
        weeks = max((cohort.mentorship_weeks + row["extra_weeks"] for row in groups[cohort.pk]), default=0)
        rates = []
        for number in range(1, weeks + 1):
            monday = first + dt.timedelta(weeks=number - 1)
            if monday > current:
                break
            running = sum(
                row["n"]
                for row in groups[cohort.pk]
                if number <= cohort.mentorship_weeks + row["extra_weeks"]
                and (row["ended_on"] is None or row["ended_on"] >= monday)
            )
            rates.append(share(met.get((cohort.pk, monday), 0), running))
        series[cohort] = rates
        longest = max(longest, len(rates))
    labels = [_("Week %(number)s") % {"number": number} for number in range(1, longest + 1)]
    rows = [
        [
            label,
            *[
                DASH if index >= len(rates) or rates[index] is None else percent_of(rates[index])
                for rates in series.values()
            ],
        ]
        for index, label in enumerate(labels)
    ]
    return Table(
        slug="meeting-rate",
        title=_("Pairs that met, week by week"),
        header=[_("Week of the mentorship"), *[str(cohort.name) for cohort in cohorts]],
        rows=rows,
        chart=chart("line", labels, [(cohort.name, rates) for cohort, rates in series.items()], percent_axis=True),
        note=_("The share of the week's pairs whose mentor logged a meeting for it (weeks begun so far)."),
        empty_message=_("The mentorship period has not begun yet."),
    )


def _at_risk(cohorts, matches) -> Table:
    flagged = dict(
        AtRiskAlert.objects.filter(match__in=_published_pairs([cohort.pk for cohort in cohorts]))
        .order_by()
        .values("match__run__cohort")
        .annotate(n=Count("match", distinct=True))
        .values_list("match__run__cohort", "n")
    )
    rows = []
    for cohort in cohorts:
        pairs = matches.get(cohort.pk, {}).get("pairs", 0)
        if pairs:
            rows.append(
                [
                    str(cohort.name),
                    str(pairs),
                    str(flagged.get(cohort.pk, 0)),
                    percent(flagged.get(cohort.pk, 0), pairs),
                ]
            )
    return Table(
        slug="at-risk",
        title=_("Pairs at risk"),
        header=[_("Cohort"), _("Pairs"), _("Pairs ever at risk"), _("Share")],
        rows=rows,
        note=_("At risk: two weeks in a row without a log."),
        empty_message=_("No match has been published yet."),
    )


# --- Surveys and confidence --------------------------------------------------------------------------


def _confidence(cohorts: list[Cohort]) -> Table:
    ids = [cohort.pk for cohort in cohorts]
    # The baseline is the same statement's rating in the person's application, joined (not a subquery).
    baseline = FilteredRelation(
        "response__invitation__participant__application__confidence_ratings",
        condition=Q(response__invitation__participant__application__confidence_ratings__statement=F("statement")),
    )
    rows = (
        SurveyRating.objects.filter(response__invitation__participant__cohort__in=ids)
        .annotate(baseline=baseline)
        .filter(baseline__isnull=False)
        .annotate(before=F("baseline__rating"), change=F("rating") - F("baseline__rating"))
        .order_by()
        .values(
            "response__invitation__participant__cohort",
            "response__invitation__participant__role",
            "response__invitation__kind",
            "statement",
            "change",
        )
        .annotate(people=Count("pk"), before_sum=Sum("before"))
    )
    groups = defaultdict(list)
    for row in rows:
        key = (
            row["response__invitation__participant__cohort"],
            row["response__invitation__participant__role"],
            row["statement"],
            row["response__invitation__kind"],
        )
        groups[key].append((row["change"], row["people"], row["before_sum"]))
    statements = list(ConfidenceStatement.objects.all())
    kinds = SurveyInvitation.Kind
    several = len(cohorts) > 1
    table_rows, chart_labels, before_data, program_data, mentorship_data = [], [], [], [], []
    for cohort in cohorts:
        for role in ROLES:
            people = f"{cohort.name} · {role_label(role)}" if several else role_label(role)
            for statement in statements:
                answered = {kind: groups[(cohort.pk, role, statement.pk, kind)] for kind in kinds}
                results = {kind: paired_change(answered[kind]) for kind in kinds}
                table_rows += [
                    _confidence_row(people, statement, kind, results[kind]) for kind in kinds if answered[kind]
                ]
                shown = results[kinds.END_OF_MENTORSHIP] or results[kinds.END_OF_PROGRAM]
                if role == Role.MENTEE and shown:
                    chart_labels.append(f"{cohort.name} · {statement.name}" if several else str(statement.name))
                    before_data.append(round(shown.before, 2))
                    program_data.append(_after(results[kinds.END_OF_PROGRAM]))
                    mentorship_data.append(_after(results[kinds.END_OF_MENTORSHIP]))
    return Table(
        slug="confidence",
        title=_("Confidence, before and after"),
        header=[
            _("People"),
            _("Statement"),
            _("Survey"),
            _("People who answered both"),
            _("Before (mean, 1-5)"),
            _("After (mean, 1-5)"),
            _("Mean change"),
            # xgettext:no-python-format
            _("95% confidence interval"),
            _("Changes (change:people)"),
        ],
        rows=table_rows,
        chart=chart(
            "bar",
            chart_labels,
            [
                (_("In the application"), before_data),
                (kinds.END_OF_PROGRAM.label, program_data),
                (kinds.END_OF_MENTORSHIP.label, mentorship_data),
            ],
        ),
        note=_(
            "Only people who rated the statement both in their application and in the survey are counted; "
            "groups of fewer than %(n)s are not shown. The chart shows mentees: before, the mean in the application "
            "of those who answered the end-of-mentorship survey (the week-10 one until then)."
        )
        % {"n": MIN_PAIRS},
        empty_message=_("No survey answers yet."),
    )


def _after(result) -> float | None:
    return None if result is None else round(result.after, 2)


def role_label(role: str) -> str:
    return _("Mentees") if role == Role.MENTEE else _("Mentors")


def _confidence_row(people: str, statement, kind, result) -> list[str]:
    if result is None:
        return [people, str(statement.name), str(kind.label), _("fewer than %(n)s") % {"n": MIN_PAIRS}, *[DASH] * 5]
    distribution = " ".join(f"{change:+d}:{n}" for change, n in result.distribution.items() if n)
    return [
        people,
        str(statement.name),
        str(kind.label),
        str(result.n),
        decimal(result.before, 2),
        decimal(result.after, 2),
        signed(result.mean),
        f"{signed(result.low)} … {signed(result.high)}",
        distribution,
    ]


def _recommend(cohorts, surveys) -> Table:
    rows = []
    for cohort in cohorts:
        for role in ROLES:
            for kind in SurveyInvitation.Kind:
                row = surveys.get((cohort.pk, role, kind))
                if not row:
                    continue
                answered = row["answered"]
                hidden = answered < MIN_PAIRS
                rows.append(
                    [
                        f"{cohort.name} · {role_label(role)}",
                        str(kind.label),
                        str(row["sent"]),
                        str(answered),
                        percent(answered, row["sent"]),
                        DASH if hidden else decimal(row["recommend"], 1),
                        DASH if hidden else decimal(100 * (row["promoters"] - row["detractors"]) / answered, 0),
                    ]
                )
    return Table(
        slug="surveys",
        title=_("Surveys and would-recommend"),
        header=[
            _("People"),
            _("Survey"),
            _("Sent"),
            _("Answered"),
            _("Response rate"),
            _("Would recommend (mean, 0-10)"),
            _("Net promoter score"),
        ],
        rows=rows,
        note=_("Net promoter score: the share who answered 9 or 10 minus the share who answered 0 to 6."),
        empty_message=_("No survey has been sent yet."),
    )


# --- Outcomes and alumni ---------------------------------------------------------------------------


def _outcomes(ids, columns) -> Table:
    counts = {
        (row["participant__cohort"], row["participant__role"], row["kind"]): row["people"]
        for row in Outcome.objects.filter(participant__cohort__in=ids)
        .order_by()
        .values("participant__cohort", "participant__role", "kind")
        .annotate(people=Count("participant", distinct=True))
    }
    rows, datasets = [], {column: [] for column in columns}
    for kind, label in Outcome.Kind.choices:
        row = [str(label)]
        for column in columns:
            value = counts.get((column.cohort.pk, column.role, kind), 0)
            row.append(str(value))
            datasets[column].append(value)
        rows.append(row)
    return Table(
        slug="outcomes",
        title=_("Outcomes people reported"),
        header=[_("Outcome"), *[column.label for column in columns]],
        rows=rows if counts else [],
        chart=chart("bar", [row[0] for row in rows], [(column.label, datasets[column]) for column in columns]),
        note=_("People who reported each outcome at least once."),
        empty_message=_("No outcome reported yet."),
    )


def _alumni(ids, cohorts) -> Table:
    mentee_before = Participant.objects.filter(
        user=OuterRef("user"), role=Role.MENTEE, cohort__start_date__lt=OuterRef("cohort__start_date")
    )
    mentor_since = Participant.objects.filter(
        user=OuterRef("user"), role=Role.MENTOR, cohort__start_date__gt=OuterRef("cohort__start_date")
    )
    rows = {
        row["cohort"]: row
        for row in Participant.objects.filter(cohort__in=ids)
        .alias(was_mentee=Exists(mentee_before), mentored_since=Exists(mentor_since))
        .order_by()
        .values("cohort")
        .annotate(
            returning=Count("pk", filter=Q(role=Role.MENTOR, was_mentee=True)),
            mentors=Count("pk", filter=Q(role=Role.MENTOR)),
            came_back=Count("pk", filter=Q(role=Role.MENTEE, mentored_since=True)),
            mentees=Count("pk", filter=Q(role=Role.MENTEE)),
        )
    }
    table_rows = [
        [
            str(cohort.name),
            f"{rows[cohort.pk]['returning']} / {rows[cohort.pk]['mentors']}",
            f"{rows[cohort.pk]['came_back']} / {rows[cohort.pk]['mentees']}",
        ]
        for cohort in cohorts
        if cohort.pk in rows
    ]
    return Table(
        slug="alumni",
        title=_("Alumni who came back as mentors"),
        header=[_("Cohort"), _("Mentors who were mentees before"), _("Mentees who have mentored since")],
        rows=table_rows,
        empty_message=_("No one has joined this cohort yet."),
    )
