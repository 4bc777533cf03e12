"""Reads of the mentorship period: a pair's weeks, the pairs of a person, the pairs at risk."""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cohorts.models import Participant
from matching.models import Match
from mentorship.prepared import Prepared

from .models import MeetingLog, PairPause, ReminderPause, Topic
from .periods import Period, Week, WeekState, at_risk, missing_run, week_start, week_states

# Staff may add up to this many weeks to a pair: the reminder task looks no further back than this.
MAX_EXTRA_WEEKS = 26


def open_pause() -> Exists:
    """For a query of pairs: the pair is paused now (it has a pause not yet ended)."""
    return Exists(PairPause.objects.filter(match=OuterRef("pk"), ended_at__isnull=True))


def period_of(match: Match) -> Period:
    cohort = match.run.cohort
    return Period(starts_on=cohort.mentorship_starts_on, weeks=cohort.mentorship_weeks + match.extra_weeks)


def local_today(user, now: dt.datetime | None = None) -> dt.date:
    """Today in the person's own time zone."""
    return timezone.localdate(now or timezone.now(), timezone=user.zone)


# Each log's topics as a plain list (``log.topic_list``): prefetched into ``log.topics`` instead, Django makes a
# manager and a query set for each log (a pair page has 25 logs; bench/profile_pages.py).
TOPICS = Prefetch("topics", queryset=Topic.objects.all(), to_attr="topic_list")


def pairs_with_weeks(queryset: QuerySet, *, topics: bool = True, people: bool = True, logs: bool = True) -> QuerySet:
    """The pairs with what their week strip needs (and their logs' topics), in a fixed number of queries.

    Whether a pair was ever paused, and whether its mentor ever paused reminders, come as two flags: few pairs
    have either, and ``pair_views`` then reads the pauses of those alone, with no query at all when there are none
    (two queries less on each of a person's pages; bench/profile_pages.py).

    ``people=False`` leaves the mentor and mentee (and their accounts) to ``pair_views``, which reads them in one
    query: joining eight tables in one query cost more to write and to plan than two queries of four and two
    (a person's own pages; bench/profile_pages.py). Lists of many pairs keep the joins.

    ``logs=False`` leaves the logs to ``_read_logs`` (a person's own pages).
    """
    related = ["run__cohort__program", *(["mentee__user", "mentor__user"] if people else [])]
    queryset = queryset.select_related(*related)
    if logs:
        logs = _logs(topics=topics)
        queryset = queryset.prefetch_related(
            Prefetch("logs", queryset=logs.prefetch_related(TOPICS) if topics else logs)
        )
    return queryset.annotate(
        ever_paused=Exists(PairPause.objects.filter(match=OuterRef("pk"))),
        mentor_ever_paused=Exists(ReminderPause.objects.filter(user_id=OuterRef("mentor__user_id"))),
    )


def _logs(*, topics: bool) -> QuerySet:
    """Logs as the pages of pairs read them: newest first; without ``topics``, only what the week strip needs (lists of
    pairs show their weeks' states, not what their logs say)."""
    logs = MeetingLog.objects.order_by("-week")
    return logs if topics else logs.only("match_id", "week", "met", "met_on")


# A person's own pages read the logs of their pairs with SQL compiled once per process (mentorship/prepared.py).
_logs_of_pairs = {
    topics: Prepared(lambda match_ids, topics=topics: _logs(topics=topics).filter(match__in=match_ids))
    for topics in (False, True)
}
_topics_of_pairs = Prepared(
    lambda match_ids: (
        MeetingLog.topics.through.objects.filter(meetinglog__match__in=match_ids)
        .select_related("topic")
        .order_by(*(f"topic__{name}" for name in Topic._meta.ordering), "topic_id")  # as TOPICS lists them
    )
)
LOGS_CACHE = MeetingLog._meta.get_field("match").remote_field.cache_name  # where match.logs.all() finds them


def _read_logs(matches: list[Match], *, topics: bool) -> None:
    """What ``pairs_with_weeks`` prefetches: each pair's logs (``match.logs.all()``, no query) and, with ``topics``,
    each log's topics (``log.topic_list``)."""
    if not matches:
        return
    ids = [match.pk for match in matches]
    logs = _logs_of_pairs[topics](ids)
    if topics:
        topic_lists = {log.pk: [] for log in logs}
        for row in _topics_of_pairs(ids):
            topic_lists[row.meetinglog_id].append(row.topic)
        for log in logs:
            log.topic_list = topic_lists[log.pk]
    by_match = {match.pk: [] for match in matches}
    for log in logs:
        by_match[log.match_id].append(log)
    for match in matches:
        for log in by_match[match.pk]:
            log.match = match
        queryset = match.logs.get_queryset()
        queryset._result_cache, queryset._prefetch_done = by_match[match.pk], True
        match.__dict__.setdefault("_prefetched_objects_cache", {})[LOGS_CACHE] = queryset


def pauses_of(matches) -> dict[int, list[PairPause]]:
    """The staff pauses of the pairs (from ``pairs_with_weeks``) that have any, oldest first, by pair."""
    pauses: dict[int, list[PairPause]] = {}
    ids = [match.pk for match in matches if match.ever_paused]
    for pause in PairPause.objects.filter(match_id__in=ids).order_by("started_at") if ids else ():
        pauses.setdefault(pause.match_id, []).append(pause)
    return pauses


def paused_weeks(match: Match, pauses: list[PairPause], mentor_pauses: set[dt.date], today: dt.date) -> set[dt.date]:
    """The Mondays of the weeks in which staff paused the pair (``pauses``) or the mentor paused reminders."""
    weeks = set(mentor_pauses)
    zone = match.run.cohort.zone
    for pause in pauses:
        first = week_start(timezone.localdate(pause.started_at, timezone=zone))
        last = week_start(timezone.localdate(pause.ended_at, timezone=zone) if pause.ended_at else today)
        while first <= last:
            weeks.add(first)
            first += dt.timedelta(weeks=1)
    return weeks


def mentor_pauses_of(user_ids) -> dict[int, set[dt.date]]:
    pauses: dict[int, set[dt.date]] = {}
    user_ids = set(user_ids)
    if not user_ids:
        return pauses
    for user_id, week in ReminderPause.objects.filter(user_id__in=user_ids).values_list("user_id", "week"):
        pauses.setdefault(user_id, set()).add(week)
    return pauses


@dataclass
class PairView:
    """A pair as its pages and the staff board show it."""

    match: Match
    period: Period
    weeks: list[Week]
    today: dt.date
    pauses: list[PairPause]  # by staff, oldest first

    @cached_property  # the week strip asks it for each of the period's weeks
    def current(self) -> Week | None:
        return next((week for week in self.weeks if week.monday <= self.today <= week.sunday), None)

    @property
    def at_risk(self) -> bool:
        return self.match.status == Match.Status.ACTIVE and not self.paused and at_risk(self.weeks)

    @property
    def unlogged(self) -> list[Week]:
        """The weeks over and without a log, which the mentor may still log."""
        return [week for week in self.weeks if week.state is WeekState.MISSING]

    @property
    def missing_weeks(self) -> int:
        return len(missing_run(self.weeks))

    @property
    def paused(self) -> bool:
        return any(pause.ended_at is None for pause in self.pauses)

    @property
    def logs(self) -> list[MeetingLog]:
        return list(self.match.logs.all())

    @property
    def last_contact(self) -> dt.date | None:
        return max((log.met_on for log in self.match.logs.all() if log.met), default=None)

    @property
    def log_by_week(self) -> dict[dt.date, MeetingLog]:
        return {log.week: log for log in self.match.logs.all()}


def _read_people(matches: list[Match]) -> None:
    """The mentor and mentee of each pair read with ``pairs_with_weeks(..., people=False)``, in one query."""
    missing = [match for match in matches if not (Match.mentor.is_cached(match) and Match.mentee.is_cached(match))]
    if not missing:
        return
    ids = {match.mentor_id for match in missing} | {match.mentee_id for match in missing}
    people = {person.pk: person for person in _participants_by_key(sorted(ids))}
    for match in missing:
        match.mentor, match.mentee = people[match.mentor_id], people[match.mentee_id]


def pair_views(matches, *, today_for) -> list[PairView]:
    """``matches`` come from ``pairs_with_weeks``; ``today_for(match)`` gives the day to show them on. At most
    two queries, for the pauses of the pairs and mentors that have any."""
    matches = list(matches)
    _read_people(matches)
    pauses = pauses_of(matches)
    mentor_pauses = mentor_pauses_of(match.mentor.user_id for match in matches if match.mentor_ever_paused)
    views = []
    for match in matches:
        period, today = period_of(match), today_for(match)
        own = pauses.get(match.pk, [])
        paused = paused_weeks(match, own, mentor_pauses.get(match.mentor.user_id, set()), today)
        logs = {log.week: log.met for log in match.logs.all()}
        ended_on = timezone.localdate(match.ended_at, timezone=match.run.cohort.zone) if match.ended_at else None
        views.append(PairView(match, period, week_states(period, today, logs, paused, ended_on), today, own))
    return views


def _published_pairs() -> QuerySet:
    """The published pairs with what a person's pages show of them (``pairs_with_weeks``), but their logs."""
    published = Match.objects.filter(run__published_at__isnull=False).exclude(status=Match.Status.PROPOSED)
    return pairs_with_weeks(published, people=False, logs=False)


# The queries every pair page and list of pairs asks, compiled once per process (mentorship/prepared.py): building
# and compiling them took longer than Postgres took to plan and run them (bench/profile_pages.py).
_participations_of = Prepared(
    lambda user_id: Participant.objects.filter(user=user_id).order_by().values_list("pk", flat=True)
)
_participants_by_key = Prepared(lambda ids: Participant.objects.select_related("user").filter(pk__in=ids))
# The person's participations by id, rather than ``Match.objects.for_user``: an OR across two joins with the
# participants table, which Postgres answers by hashing every pair and participant of every cohort (14 ms at 5,000
# pairs, growing with the program). Ids let it look the pairs up in the mentor and mentee indexes instead (measured
# in bench/bench_load.py). Unordered: a person has a few pairs, put in order in Python (ordering by SQL over three
# joined tables cost more to write and plan than the query took to run).
_pairs_of_participations = Prepared(
    lambda mine: _published_pairs().filter(Q(mentor_id__in=mine) | Q(mentee_id__in=mine)).order_by()
)
_pair_by_key = Prepared(lambda match_id: _published_pairs().filter(pk=match_id).order_by())


def pairs_of(user, now: dt.datetime | None = None) -> list[PairView]:
    """The published pairs a person is in (as mentor or mentee), current ones first."""
    mine = _participations_of(user.pk)
    if not mine:
        return []
    matches = _pairs_of_participations(mine)
    _read_logs(matches, topics=False)
    _read_people(matches)
    matches.sort(key=lambda match: match.mentee.user.preferred_name.casefold())
    matches.sort(key=lambda match: match.run.cohort.start_date, reverse=True)
    matches.sort(key=lambda match: match.status)
    today = local_today(user, now)
    return pair_views(matches, today_for=lambda match: today)


def pair_page(user, match_id: int, today: dt.date) -> PairView | None:
    """The pair ``match_id`` with its weeks, logs and topics, if ``user`` is its mentor or mentee; else None.

    The pair is read by its key and the person's part in it checked on its two people, whom the page reads anyway:
    asking the database for the person's pair instead made the query a third dearer to compile and plan."""
    matches = _pair_by_key(match_id)
    _read_people(matches)
    if not matches or user.pk not in (matches[0].mentor.user_id, matches[0].mentee.user_id):
        return None
    _read_logs(matches, topics=True)
    return pair_views(matches, today_for=lambda _match: today)[0]


def pair_for(user, match_id: int, *, as_mentor: bool = False) -> QuerySet:
    """The pair ``match_id`` if ``user`` is in it (its mentor when ``as_mentor``); empty otherwise."""
    # The person's participations as a subquery rather than joins with participants and accounts: the pair is found
    # by its key, and the planner then weighs two small lookups instead of four more tables (bench/profile_pages.py).
    mine = Participant.objects.filter(user=user).values("pk")
    who = Q(mentor__in=mine) if as_mentor else Q(mentor__in=mine) | Q(mentee__in=mine)
    return Match.objects.filter(who, pk=match_id, run__published_at__isnull=False).exclude(status=Match.Status.PROPOSED)


def pairs_without_log(queryset: QuerySet, *, weeks: int, now: dt.datetime | None = None) -> QuerySet:
    """The active, unpaused pairs of ``queryset`` with ``weeks`` or more weeks in a row without a log, as
    ``PairView.missing_weeks`` counts them on each cohort's own date (at risk from ``AT_RISK_WEEKS``).

    SQL keeps the pairs whose period began ``weeks`` weeks ago or more and which have no log in their last
    ``weeks`` ended weeks (calendar weeks from Monday), plus those past the end of their period (whose last
    weeks depend on their extension). Weeks paused by staff or by the mentor neither count nor break a run
    of missed weeks, which SQL cannot say simply: the few pairs left are then weighed with their
    ``PairView``, in a fixed number of queries, so that the filter and the board never disagree.
    """

    from cohorts.models import Cohort

    now = now or timezone.now()
    base = (
        queryset.prefetch_related(None)
        .filter(status=Match.Status.ACTIVE, run__published_at__isnull=False)
        .exclude(open_pause())
    )
    by_this_week: dict[dt.date, list[int]] = {}
    candidates = Q(pk__in=[])
    cohorts = Cohort.objects.filter(pk__in=base.order_by().values("run__cohort_id")).only(
        "start_date", "weeks", "mentorship_weeks", "time_zone"
    )
    for cohort in cohorts:
        this_week = week_start(timezone.localdate(now, timezone=cohort.zone))
        ended = (this_week - week_start(cohort.mentorship_starts_on)).days // 7  # weeks of the period over
        if ended < weeks:
            continue
        by_this_week.setdefault(this_week, []).append(cohort.pk)
        if ended > cohort.mentorship_weeks:  # pairs extended by fewer weeks than that are past their period
            candidates |= Q(run__cohort=cohort.pk, extra_weeks__lt=ended - cohort.mentorship_weeks)
    for this_week, cohort_ids in by_this_week.items():
        logged = MeetingLog.objects.filter(
            match=OuterRef("pk"), week__gte=this_week - dt.timedelta(weeks=weeks), week__lt=this_week
        )
        candidates |= Q(run__cohort__in=cohort_ids) & ~Exists(logged)
    matches = list(pairs_with_weeks(base.filter(candidates), topics=False))
    views = pair_views(matches, today_for=lambda match: timezone.localdate(now, timezone=match.run.cohort.zone))
    return queryset.filter(pk__in=[view.match.pk for view in views if view.missing_weeks >= weeks])
