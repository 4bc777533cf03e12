import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import MAX_DURATION_MINUTES, Format, MeetingLog, MenteeResponse, Topic


class MeetingLogForm(forms.ModelForm):
    """A week of a pair: the meeting (date, minutes, format, topics, notes), or that it did not happen."""

    met = forms.TypedChoiceField(
        label=_("Did you meet this week?"),
        choices=[(True, _("Yes, we met")), (False, _("No, we did not meet this week"))],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        initial=True,
    )
    met_on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"),
        required=False,
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        error_messages={
            "min_value": _("A meeting lasts at least one minute."),
            "max_value": _("A meeting cannot last more than %(limit_value)s minutes (ten hours)."),
        },
    )
    format = forms.ChoiceField(label=_("Format"), required=False, choices=Format.choices, widget=forms.RadioSelect)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        required=False,
        queryset=Topic.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MeetingLog
        fields = ["met", "met_on", "duration_minutes", "format", "topics", "shared_notes", "private_note"]
        fields += ["not_met_reason"]
        widgets = {
            "shared_notes": forms.Textarea(attrs={"rows": 3}),
            "private_note": forms.Textarea(attrs={"rows": 2}),
            "not_met_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "shared_notes": _("Your mentee sees these notes."),
            "private_note": _("Only the program staff see this note."),
            "not_met_reason": _("For example: a holiday, illness, a busy week. Staff see it; your mentee too."),
        }

    def __init__(self, *args, week: dt.date, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.week, self.today = week, today
        self.fields["topics"].label_from_instance = lambda topic: topic.name
        if self.instance.pk:
            self.initial["met"] = self.instance.met
        else:
            self.initial.setdefault("met_on", min(today, week + dt.timedelta(days=6)))

    def clean(self):
        data = super().clean()
        if data.get("met"):
            for field in ("met_on", "duration_minutes", "format"):
                if data.get(field) in (None, "") and field not in self.errors:
                    self.add_error(field, _("Please fill this in, or answer that you did not meet."))
            day = data.get("met_on")
            sunday = self.week + dt.timedelta(days=6)
            if day and not self.week <= day <= sunday:
                self.add_error(
                    "met_on",
                    _("Choose a day of this week, from %(monday)s to %(sunday)s.")
                    % {"monday": date_format(self.week), "sunday": date_format(sunday)},
                )
            elif day and day > self.today:
                self.add_error("met_on", _("That day has not come yet: log a meeting once it has happened."))
        elif not (data.get("not_met_reason") or "").strip():
            self.add_error("not_met_reason", _("Please say in a few words why you did not meet."))
        return data


class MenteeResponseForm(forms.Form):
    response = forms.ChoiceField(choices=MenteeResponse.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment for the staff (optional)"), max_length=500, required=False)
