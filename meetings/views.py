"""Pages of the mentorship period, for the two people of a pair only (404 for anyone else)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching.models import Match

from .forms import MeetingLogForm, MenteeResponseForm
from .links import LinkError, read_log_link, read_pause_link
from .models import MeetingLog, MenteeResponse
from .selectors import local_today, pair_for, pair_page, pairs_of, period_of
from .services import MeetingError, meeting_log_create, meeting_log_respond, meeting_log_update, reminders_pause


@login_required
def home(request):
    pairs = pairs_of(request.user)
    return render(
        request,
        "meetings/home.html",
        {
            "as_mentor": [pair for pair in pairs if pair.match.mentor.user_id == request.user.pk],
            "as_mentee": [pair for pair in pairs if pair.match.mentee.user_id == request.user.pk],
        },
    )


def _pair_view(request, match_id: int):
    """The pair's weeks and its logs with their topics; a 404 for anyone but its two people."""
    view = pair_page(request.user, match_id, local_today(request.user))
    if view is None:
        raise Http404
    return view


@login_required
def pair(request, match_id: int):
    view = _pair_view(request, match_id)
    is_mentor = view.match.mentor.user_id == request.user.pk
    return render(
        request,
        "meetings/pair.html",
        {"pair": view, "is_mentor": is_mentor},
    )


@login_required
def log_week(request, match_id: int, number: int):
    # The pair and whether this week has a log: the form needs neither the other weeks nor the pauses.
    match = get_object_or_404(pair_for(request.user, match_id, as_mentor=True).select_related("run__cohort"))
    period, today = period_of(match), local_today(request.user)
    if not 1 <= number <= period.weeks:
        raise Http404
    if match.status != Match.Status.ACTIVE:
        messages.error(request, _("This pair has ended: its weeks can no longer be logged."))
        return redirect("meetings:pair", match_id)
    week = period.week_of(number)
    if week > today:
        messages.error(
            request,
            _("Week %(number)s has not begun: it starts on %(day)s.") % {"number": number, "day": date_format(week)},
        )
        return redirect("meetings:pair", match_id)
    # (ordered by pk: the model's ordering would join five tables for the one row a pair and week can have)
    existing = MeetingLog.objects.filter(match=match, week=week).order_by("pk").values_list("pk", flat=True).first()
    if existing:
        messages.info(request, _("This week is logged already; here it is to change."))
        return redirect("meetings:log_edit", existing)
    form = MeetingLogForm(request.POST or None, week=week, today=today)
    if request.method == "POST" and form.is_valid():
        log, created = meeting_log_create(match=match, week=week, data=form.cleaned_data, by=request.user)
        if created:
            messages.success(request, _("Week %(number)s is logged. Thank you!") % {"number": number})
        else:
            messages.info(request, _("This week was logged already; nothing was changed."))
        return redirect(log)
    return render(
        request, "meetings/log_form.html", {"form": form, "match_id": match.pk, "number": number, "week": week}
    )


def _mentor_log(request, log_id: int) -> MeetingLog:
    return get_object_or_404(
        MeetingLog.objects.select_related("match__run__cohort"), pk=log_id, match__mentor__user=request.user
    )


@login_required
def log_edit(request, log_id: int):
    log = _mentor_log(request, log_id)
    if not log.editable():
        messages.error(request, _("A log can be changed for 14 days. Write to the program staff to correct this one."))
        return redirect(log)
    period, today = period_of(log.match), local_today(request.user)
    form = MeetingLogForm(request.POST or None, instance=log, week=log.week, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_log_update(log=log, data=form.cleaned_data, by=request.user)
        except MeetingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your changes are saved."))
        return redirect(log)
    number = period.week_number(log.week)
    return render(
        request,
        "meetings/log_form.html",
        {"form": form, "log": log, "match_id": log.match_id, "number": number, "week": log.week},
    )


@require_POST
@login_required
def log_respond(request, log_id: int):
    log = get_object_or_404(
        MeetingLog.objects.select_related("match__mentee"), pk=log_id, match__mentee__user=request.user
    )
    form = MenteeResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the meeting happened."))
        return redirect(log)
    try:
        meeting_log_respond(
            log=log, response=form.cleaned_data["response"], comment=form.cleaned_data["comment"], by=request.user
        )
    except MeetingError as error:
        messages.error(request, str(error))
    else:
        if form.cleaned_data["response"] == MenteeResponse.CONFIRMED:
            messages.success(request, _("Thank you: the meeting is confirmed."))
        else:
            messages.success(request, _("Thank you: the program staff will see that this meeting did not happen."))
    return redirect(log)


def _link_error(request, error: LinkError):
    return render(request, "meetings/link_error.html", {"message": str(error)}, status=400)


@login_required
def log_link(request, token: str):
    """The "log this week" link of a reminder email: checked, then the ordinary log form."""
    try:
        match_id, week = read_log_link(token, user=request.user)
    except LinkError as error:
        return _link_error(request, error)
    match = get_object_or_404(pair_for(request.user, match_id, as_mentor=True).select_related("run__cohort"))
    number = period_of(match).week_number(week)
    if number is None:
        raise Http404
    return redirect("meetings:log_week", match.pk, number)


@login_required
def pause_link(request, token: str):
    """The "pause my reminders for a week" link of a reminder email: a page to confirm, then the pause."""
    try:
        week = read_pause_link(token, user=request.user)
    except LinkError as error:
        return _link_error(request, error)
    if request.method == "POST":
        if reminders_pause(user=request.user, week=week):
            messages.success(
                request,
                _("No reminder will come in the week of %(day)s. Enjoy the break!") % {"day": date_format(week)},
            )
        else:
            messages.info(
                request, _("Reminders were already paused for the week of %(day)s.") % {"day": date_format(week)}
            )
        return redirect("meetings:home")
    return render(request, "meetings/pause_confirm.html", {"week": week})
