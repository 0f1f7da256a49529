from django import forms

from ui.forms import GDSForm

from .models import DEFAULT_LIFETIME, LIFETIMES


class TokenForm(GDSForm):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example, “Power BI refresh” or “PCC office weekly export”.",
        error_messages={
            "required": "Enter what the token is for",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    days = forms.TypedChoiceField(
        label="How long should it last?",
        choices=list(LIFETIMES.items()),
        coerce=int,
        initial=DEFAULT_LIFETIME,
        widget=forms.RadioSelect,
        help_text="The token stops working after this. You can revoke it sooner.",
        error_messages={"required": "Choose how long the token lasts"},
    )
