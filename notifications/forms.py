"""Forms for notification pages."""

from django import forms

from actions.forms import GDSForm

from .models import Frequency


class PreferenceForm(GDSForm):
    email = forms.ChoiceField(
        label="How should we email you reminders and notices?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text="Every reminder and notice also appears in your notifications in PEELtrack.",
        error_messages={"required": "Choose how often to be emailed"},
    )
