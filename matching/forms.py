from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_WEIGHTS, Mode

WEIGHT_LABELS = {
    "ratings": _("Event ratings (both directions)"),
    "goals": _("Shared goals"),
    "skills": _("Shared skills"),
    "industries": _("Shared industries"),
    "language": _("Same language"),
    "time_zone": _("Close time zones"),
    "availability": _("Overlapping weekly availability"),
    "affinity": _("Affinity wishes (only with consent)"),
}


class RunForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, initial=Mode.BEST, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, default in DEFAULT_WEIGHTS.items():
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=WEIGHT_LABELS[name], initial=default, min_value=0, max_value=100
            )

    def weights(self) -> dict[str, float]:
        return {name: self.cleaned_data[f"weight_{name}"] for name in DEFAULT_WEIGHTS}
