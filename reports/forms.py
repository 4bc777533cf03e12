import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Participant

from .models import Outcome


def validate_not_future(day: dt.date, user) -> None:
    """An outcome has happened: its date is today or before, in the person's own time zone."""
    if day and day > timezone.localdate(timezone.now(), timezone=user.zone):
        raise ValidationError(_("This date is in the future: report an outcome once it has happened."), code="future")


class ParticipationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Participant) -> str:
        return f"{obj.cohort} ({obj.get_role_display()})"


class OutcomeForm(forms.Form):
    """A person reports an outcome for one of their own participations (no one else's can be chosen)."""

    participant = ParticipationField(label=_("Program"), queryset=Participant.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("What happened"), choices=Outcome.Kind.choices)
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=Outcome._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: a few words about it, if you would like to share them."),
    )

    def __init__(self, *args, user, participations, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["participant"]
        field.queryset = participations
        choices = list(participations)
        if len(choices) == 1:
            field.initial = choices[0].pk
            field.widget = forms.HiddenInput()

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        validate_not_future(day, self.user)
        return day


class OutcomeAdminForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["participant", "kind", "happened_on", "note"]

    def clean(self):
        cleaned = super().clean()
        participant, day = cleaned.get("participant"), cleaned.get("happened_on")
        if participant and day:
            try:
                validate_not_future(day, participant.user)
            except ValidationError as error:
                self.add_error("happened_on", error)
        return cleaned
