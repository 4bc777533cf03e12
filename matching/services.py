"""Match runs: build the candidates, call the engine, keep the proposal, publish it, amend it."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from cohorts.models import Cohort, Participant

from . import engine
from .models import DEFAULT_WEIGHTS, Match, MatchRun, PairRule
from .scoring import cohort_people, pair_scores


class MatchingError(ValidationError):
    """A rule refused the run or the publication; the message is for staff, in their language."""


def _engine_message(error: engine.MatchingError) -> str:
    messages = {
        "no_mentors": _("The cohort has no active mentor: there is no one to match."),
        "no_mentees": _("The cohort has no active mentee: there is no one to match."),
        "pinned_and_forbidden": _("A pair is both pinned and forbidden: remove one of the two rules."),
        "pinned_over_capacity": _("More pairs are pinned to a mentor than the mentor can take."),
        "pinned_twice": _("A mentee is pinned to two mentors: keep one pin."),
    }
    return messages.get(error.code, error.message)


@transaction.atomic
def match_run_create(*, cohort: Cohort, mode: str, weights: dict[str, float] | None, by: User) -> MatchRun:
    """Run the engine for the cohort's active participants and keep the proposal (nothing is published)."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    mentees, mentors = cohort_people(cohort)
    if not mentors:
        raise MatchingError(_("The cohort has no active mentor: there is no one to match."))
    if not mentees:
        raise MatchingError(_("The cohort has no active mentee: there is no one to match."))
    scores = pair_scores(cohort, mentees, mentors, weights)
    rules = list(PairRule.objects.filter(cohort=cohort).values_list("mentee_id", "mentor_id", "kind"))
    try:
        result = engine.solve(
            mentees=[mentee.pk for mentee in mentees],
            mentors={mentor.pk: mentor.mentee_capacity or 0 for mentor in mentors},
            candidates=[
                engine.Candidate(
                    mentee=mentee,
                    mentor=mentor,
                    parts=tuple(engine.ScorePart(name=name, value=value) for name, value in parts),
                )
                for (mentee, mentor), parts in scores.items()
            ],
            forbidden=[(mentee, mentor) for mentee, mentor, kind in rules if kind == PairRule.Kind.FORBID],
            pinned=[(mentee, mentor) for mentee, mentor, kind in rules if kind == PairRule.Kind.PIN],
            options=engine.Options(mode=mode),
        )
    except engine.MatchingError as error:
        raise MatchingError(_engine_message(error)) from error
    quality = result.quality
    run = MatchRun.objects.create(
        cohort=cohort,
        mode=mode,
        weights=weights,
        quality={name: getattr(quality, name) for name in quality.__dataclass_fields__},
        unmatched=[
            {"participant": person.person, "role": person.role, "reason": person.reason} for person in result.unmatched
        ],
        created_by=by,
    )
    # With history rows (who proposed each pair, when): a plain bulk_create would skip the audit.
    bulk_create_with_history(
        [
            Match(
                run=run,
                mentee_id=pair.mentee,
                mentor_id=pair.mentor,
                score=pair.score,
                parts=[[part.name, part.value] for part in pair.parts],
                mentee_rank=pair.mentee_rank,
                mentor_rank=pair.mentor_rank,
                pinned=pair.pinned,
                from_completion=pair.from_completion,
            )
            for pair in result.pairs
        ],
        Match,
        default_user=by,
    )
    return run


@transaction.atomic
def match_run_publish(*, run: MatchRun, by: User) -> MatchRun:
    """Make the run's pairs active and email both people of each pair. All or nothing."""
    from .tasks import send_match_email

    run = MatchRun.objects.select_for_update().select_related("cohort").get(pk=run.pk)
    if run.published_at:
        return run
    if MatchRun.objects.filter(cohort=run.cohort, published_at__isnull=False).exists():
        raise MatchingError(_("This cohort already has a published run: amend it instead of publishing another."))
    matches = list(run.matches.select_related("mentee__user", "mentor__user"))
    if not matches:
        raise MatchingError(_("This run has no pair to publish."))
    gone = [
        person.user.display_name
        for match in matches
        for person in (match.mentee, match.mentor)
        if person.status != Participant.Status.ACTIVE
    ]
    if gone:
        raise MatchingError(
            _("Not published: %(people)s withdrew. Run the matching again.") % {"people": ", ".join(sorted(gone))}
        )
    run.published_at, run.published_by = timezone.now(), by
    run.save(update_fields=["published_at", "published_by"])
    for match in matches:
        match.status = Match.Status.ACTIVE
    bulk_update_with_history(matches, Match, ["status"], default_user=by)  # publication is in the audit
    for match in matches:
        transaction.on_commit(partial(send_match_email.delay, match_id=match.pk))
    return run


@transaction.atomic
def match_end(*, match: Match, by: User) -> Match:
    """End one pair of a published run (the others go on)."""
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status != Match.Status.ENDED:
        match.status, match.ended_at = Match.Status.ENDED, timezone.now()
        match.save(update_fields=["status", "ended_at"])
    return match


def match_add_check(*, run: MatchRun, mentee: Participant, mentor: Participant) -> None:
    """Raise MatchingError unless the pair can be added to the run (the rules of ``match_add``)."""
    if not run.published_at:
        raise MatchingError(_("Pairs are added to a published run; pin the pair and run again instead."))
    if mentee.cohort_id != run.cohort_id or mentor.cohort_id != run.cohort_id:
        raise MatchingError(_("Both people must be participants of this cohort."))
    if PairRule.objects.filter(mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBID).exists():
        raise MatchingError(_("This pair is forbidden."))
    if run.matches.filter(mentee=mentee).exclude(status=Match.Status.ENDED).exists():
        raise MatchingError(_("This mentee already has a mentor: end that pair first."))
    taken = run.matches.filter(mentor=mentor).exclude(status=Match.Status.ENDED).count()
    if taken >= (mentor.mentee_capacity or 0):
        raise MatchingError(_("This mentor has no place left."))


@transaction.atomic
def match_add(*, run: MatchRun, mentee: Participant, mentor: Participant, by: User) -> Match:
    """Add a pair to a published run without re-running the cohort."""
    from .tasks import send_match_email

    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    match_add_check(run=run, mentee=mentee, mentor=mentor)
    match = Match.objects.create(run=run, mentee=mentee, mentor=mentor, status=Match.Status.ACTIVE, added_by_staff=True)
    transaction.on_commit(partial(send_match_email.delay, match_id=match.pk))
    return match


@transaction.atomic
def pairs_swap(*, first: Match, second: Match, by: User) -> None:
    """Pin each mentee of two proposed pairs to the other's mentor, for the next run of the cohort."""
    if first.run_id != second.run_id or first.pk == second.pk:
        raise MatchingError(_("Choose two pairs of the same run."))
    cohort = first.run.cohort
    for mentee, mentor in ((first.mentee, second.mentor), (second.mentee, first.mentor)):
        if PairRule.objects.filter(mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBID).exists():
            raise MatchingError(_("One of the swapped pairs is forbidden."))
        PairRule.objects.filter(cohort=cohort, mentee=mentee, kind=PairRule.Kind.PIN).exclude(mentor=mentor).delete()
        PairRule.objects.update_or_create(
            mentee=mentee, mentor=mentor, defaults={"cohort": cohort, "kind": PairRule.Kind.PIN, "created_by": by}
        )
