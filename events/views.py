from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts.models import Role
from mentorship.prepared import Prepared

from . import selectors, services
from .forms import RatingsForm, RsvpForm
from .models import Attendance, Event

# Compiled once per process (mentorship/prepared.py): every event page of a person asks it.
_attendance_of = Prepared(
    lambda event_id, user_id: (
        Attendance.objects.filter(event_id=event_id, participant__user=user_id)
        .select_related("event__cohort__program", "participant")
        .order_by("pk")[:1]
    )
)


def _my_attendance(request, pk: int) -> Attendance:
    """The signed-in person's invitation to this event; anyone else gets a 404."""
    found = _attendance_of(pk, request.user.pk)
    if not found:
        raise Http404
    return found[0]


@login_required
def mine(request, pk: int):
    attendance = _my_attendance(request, pk)
    event, participant = attendance.event, attendance.participant
    now = timezone.now()
    rounds = selectors.personal_schedule(event, participant, now)
    before = now < event.begins_at
    context = {
        "event": event,
        "attendance": attendance,
        "form": RsvpForm(instance=attendance) if before else None,  # the answer is asked before the event only
        "rounds": rounds,
        "seated": any(round.table for round in rounds),
        "under_way": event.current_round(now) is not None,
        "ratings_open": event.ratings_open(now),
        "before": before,
        "feedback": selectors.feedback_received(event, participant) if participant.role == Role.MENTEE else [],
    }
    return render(request, "events/mine.html", context)


@login_required
@require_POST
def rsvp(request, pk: int):
    attendance = _my_attendance(request, pk)
    form = RsvpForm(request.POST, instance=attendance)
    if form.is_valid():
        form.save()
        messages.success(request, _("Thank you: your answer is saved."))
    else:
        messages.error(request, _("Choose whether you will come."))
    return redirect(attendance.event)


@login_required
def rate(request, pk: int):
    attendance = _my_attendance(request, pk)
    event, rater = attendance.event, attendance.participant
    people = services.people_met(event, rater)
    if not event.ratings_open():
        messages.info(request, _("Ratings for this event are closed."))
        return redirect(event)
    given = {rating.rated_id: rating for rating in rater.ratings_given.filter(event=event)}
    feedback = {item.mentee_id: item.text for item in rater.pitch_feedback_given.filter(event=event)}
    initial = {}
    for person in people:
        if person.pk in given:
            initial[f"score_{person.pk}"] = given[person.pk].score
            initial[f"note_{person.pk}"] = given[person.pk].note
        initial[f"feedback_{person.pk}"] = feedback.get(person.pk, "")
    form = RatingsForm(request.POST or None, rater=rater, people=people, initial=initial)
    if request.method == "POST":
        unknown = {
            key.split("_", 1)[1]
            for key in request.POST
            if key.startswith(("score_", "note_", "feedback_")) and key not in form.fields
        }
        if unknown:
            messages.error(request, _("You can only rate people you met at this event: nothing was saved."))
        elif form.is_valid():
            try:
                services.ratings_save(event=event, rater=rater, ratings=form.ratings(), feedback=form.feedback())
            except services.EventError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Thank you: your ratings are saved. You can change them until they close."))
                return redirect(event)
    return render(request, "events/rate.html", {"event": event, "form": form, "rater": rater})


def _search_query(value: str) -> str:
    """The check-in page's search as it searches: trimmed, 80 characters at most, and without NUL
    characters (PostgreSQL text holds none)."""
    return value.replace("\x00", "").strip()[:80]


def _event(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("cohort__program"), pk=pk)


@permission_required("events.change_event")
def check_in(request, pk: int):
    event = _event(pk)
    if request.method == "POST":
        try:
            attendance_id = int(request.POST.get("attendance", ""))
        except ValueError:
            raise Http404 from None  # not an id: a forged request, answered like an unknown one
        attendance = get_object_or_404(Attendance, event=event, pk=attendance_id)
        present = request.POST.get("present") == "1"
        services.check_in(attendances=[attendance], present=present)
        name = attendance.participant.user.display_name
        messages.success(request, _("%(name)s is checked in.") % {"name": name} if present else
                         _("%(name)s is no longer checked in.") % {"name": name})  # fmt: skip
        # Back to the search the person was in, as it searches (a long one would make a URL too long to follow).
        return redirect(f"{request.path}?{urlencode({'q': _search_query(request.POST.get('q', ''))})}")
    query = _search_query(request.GET.get("q", ""))
    attendances = event.attendances.select_related("participant__user").order_by("participant__user__preferred_name")
    if query:
        attendances = attendances.filter(
            Q(participant__user__preferred_name__icontains=query) | Q(participant__user__email__icontains=query)
        )
    counts = {
        "mentors": event.attendances.filter(checked_in_at__isnull=False, participant__role=Role.MENTOR).count(),
        "mentees": event.attendances.filter(checked_in_at__isnull=False, participant__role=Role.MENTEE).count(),
    }
    return render(
        request, "events/check_in.html", {"event": event, "attendances": attendances, "query": query, **counts}
    )


@permission_required("events.view_event")
def run_sheet(request, pk: int):
    event = _event(pk)
    return render(request, "events/run_sheet.html", {"event": event, "rounds": selectors.run_sheet(event)})


@permission_required("events.view_event")
def projector(request, pk: int):
    event = _event(pk)
    rounds = selectors.run_sheet(event)
    current = event.current_round()
    tables = dict(rounds).get(current or 1, [])
    return render(
        request,
        "events/projector.html",
        {"event": event, "current": current, "tables": tables, "round_ends_at": event.round_ends_at(current or 1)},
    )


@permission_required("events.change_event")
def schedule(request, pk: int):
    event = _event(pk)
    if request.method == "POST":
        try:
            written = services.schedule_write(event=event)
        except services.EventError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The schedule is written from round %(round)s. Longest run of sit-outs: %(run)s.")
                % {"round": event.first_round_not_started(), "run": written.longest_sit_out_run()},
            )
    return redirect("events:run_sheet", pk=event.pk)


@permission_required("events.view_event")
def completion(request, pk: int):
    event = _event(pk)
    if request.method == "POST" and request.user.has_perm("events.change_event"):
        try:
            sent = services.rating_reminder_send(event=event, by=request.user)
        except services.EventError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext("Reminder sent to %(count)d person.", "Reminder sent to %(count)d people.", sent)
                % {"count": sent},
            )
        return redirect("events:completion", pk=event.pk)
    return render(request, "events/completion.html", {"event": event, "rows": services.rating_completion(event)})
