from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Participant, Role

from .models import Attendance

SCORES = [(number, str(number)) for number in range(1, 6)]


class RsvpForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["rsvp", "intro"]
        widgets = {"rsvp": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rsvp"].choices = [choice for choice in Attendance.Rsvp.choices if choice[0]]
        self.fields["rsvp"].required = True


class RatingsForm(forms.Form):
    """One block per person met: a 1-5 rating, a note for staff, and for mentors, pitch feedback."""

    def __init__(self, *args, rater: Participant, people: list[Participant], **kwargs):
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        self.rater, self.people = rater, people
        for person in people:
            self.fields[f"score_{person.pk}"] = forms.TypedChoiceField(
                label=_("I would like to be matched with this person (1: not at all, 5: very much)"),
                choices=SCORES,
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"note_{person.pk}"] = forms.CharField(
                label=_("A note for the staff (optional, never shown to this person)"),
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if rater.role == Role.MENTOR:
                self.fields[f"feedback_{person.pk}"] = forms.CharField(
                    label=_("Feedback on their networking pitch (they will read it)"),
                    max_length=2000,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def blocks(self):
        for person in self.people:
            names = [f"score_{person.pk}", f"note_{person.pk}", f"feedback_{person.pk}"]
            yield person, [self[name] for name in names if name in self.fields]

    def ratings(self) -> dict[int, tuple[int, str]]:
        data = self.cleaned_data
        return {
            person.pk: (data[f"score_{person.pk}"], data[f"note_{person.pk}"])
            for person in self.people
            if data.get(f"score_{person.pk}")
        }

    def feedback(self) -> dict[int, str]:
        return {
            person.pk: self.cleaned_data[f"feedback_{person.pk}"]
            for person in self.people
            if f"feedback_{person.pk}" in self.cleaned_data
        }
