import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.forms import CONFIDENCE_SCALE
from applications.models import ConfidenceStatement
from cohorts.models import Participant

from .models import Outcome, SurveyResponse


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


RECOMMEND_SCALE = (
    [(0, _("0 — Not at all likely"))] + [(n, str(n)) for n in range(1, 10)] + [(10, _("10 — Extremely likely"))]
)
TEXT_MAX = SurveyResponse._meta.get_field("helped").max_length


class SurveyForm(forms.Form):
    """The survey: the application's confidence statements again (so answers pair per person), then feedback."""

    recommend = forms.TypedChoiceField(
        label=_("How likely are you to recommend the program to a friend or colleague?"),
        choices=RECOMMEND_SCALE,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    helped = forms.CharField(
        label=_("What helped you most?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    change = forms.CharField(
        label=_("What should we change?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, response: SurveyResponse | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = list(ConfidenceStatement.objects.filter(active=True))
        for statement in self.statements:
            self.fields[f"confidence_{statement.pk}"] = forms.TypedChoiceField(
                label=statement.name, choices=CONFIDENCE_SCALE, coerce=int, widget=forms.RadioSelect
            )
        if response is not None:
            self.initial |= {"recommend": response.recommend, "helped": response.helped, "change": response.change}
            self.initial |= {f"confidence_{rating.statement_id}": rating.rating for rating in response.ratings.all()}

    def confidence_fields(self) -> list:
        return [self[f"confidence_{statement.pk}"] for statement in self.statements]

    def feedback_fields(self) -> list:
        return [self["recommend"], self["helped"], self["change"]]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "recommend": data["recommend"],
            "helped": data["helped"],
            "change": data["change"],
            "confidence": {statement: data.get(f"confidence_{statement.pk}") for statement in self.statements},
        }
