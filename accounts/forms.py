"""Forms: API tokens, the sign-in and password pages (allauth's forms, in PEELtrack's
words), two-factor, and the People pages."""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.recovery_codes import forms as recovery_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms

from forces.models import Role
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


# --- Signing in and passwords (allauth's forms; the templates render them) --------------

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.police.uk"
PASSWORD_HINT = (
    "At least 12 characters. Three random words make a strong password that is easy to "
    "remember. Avoid passwords you use elsewhere."
)


def _required(form, messages: dict) -> None:
    for name, text in messages.items():
        if name in form.fields:
            form.fields[name].error_messages["required"] = text
            form.fields[name].widget.attrs.pop("placeholder", None)


class LoginForm(account_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email address"
        self.fields["login"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        _required(
            self,
            {"login": "Enter your username or email address", "password": "Enter your password"},
        )


class ReauthenticateForm(account_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required(self, {"password": "Enter your password"})


class ResetPasswordForm(account_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": EMAIL_FORMAT,
            }
        )
        _required(self, {})
        self.fields["email"].widget.attrs.pop("placeholder", None)


class ResetPasswordKeyForm(account_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required(
            self, {"password1": "Enter a new password", "password2": "Enter the new password again"}
        )


class ChangePasswordForm(account_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required(
            self,
            {
                "oldpassword": "Enter your current password",
                "password1": "Enter a new password",
                "password2": "Enter the new password again",
            },
        )


class MFAAuthenticateForm(mfa_base_forms.AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code"
        _required(
            self, {"code": "Enter the 6-digit code from your authenticator app, or a recovery code"}
        )


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from the app"
        _required(self, {"code": "Enter the 6-digit code your authenticator app shows"})


class DeactivateTOTPForm(totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(recovery_forms.GenerateRecoveryCodesForm):
    pass


class InvitationPasswordForm(GDSForm):
    """Choosing a password from an invitation: checked against the password policy."""

    password1 = forms.CharField(label="Create a password", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(
        label="Confirm your password", strip=False, widget=forms.PasswordInput
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        _required(self, {"password1": "Create a password", "password2": "Enter the password again"})

    def clean_password1(self):
        from django.contrib.auth import password_validation

        password = self.cleaned_data["password1"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        data = super().clean()
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", "The passwords do not match: type the same password twice")
        return data


# --- People -------------------------------------------------------------------------------


def _forces_field(forces):
    return forms.ModelChoiceField(
        queryset=forces,
        label="Force",
        empty_label=None,
        error_messages={
            "required": "Choose the force",
            "invalid_choice": "Choose one of your forces",
        },
    )


def _roles_field(label="Roles"):
    return forms.MultipleChoiceField(
        label=label,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every role they need. Give only what their work needs.",
        error_messages={"required": "Choose at least one role"},
    )


class InviteForm(GDSForm):
    email = forms.EmailField(
        label="Email address",
        help_text="Their work email address. The invitation goes there, and they can sign "
        "in with it.",
        error_messages={
            "required": "Enter their email address",
            "invalid": EMAIL_FORMAT,
        },
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    team = forms.CharField(label="Team (optional)", max_length=100, required=False)

    def __init__(self, *args, forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"] = _forces_field(forces)
        self.fields["roles"] = _roles_field()
        if forces.count() == 1:
            self.fields["force"].widget = forms.HiddenInput()
            self.initial.setdefault("force", forces.first().pk)
        self.order_fields(["email", "first_name", "last_name", "force", "roles", "team"])


class ApproveForm(GDSForm):
    team = forms.CharField(label="Team (optional)", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _roles_field("Which roles should they have?")
        self.order_fields(["roles", "team"])


class RoleForm(GDSForm):
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={"required": "Choose a role"},
    )
    team = forms.CharField(label="Team (optional)", max_length=100, required=False)

    def __init__(self, *args, forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"] = _forces_field(forces)
        if forces.count() == 1:
            self.fields["force"].widget = forms.HiddenInput()
            self.initial.setdefault("force", forces.first().pk)
        self.order_fields(["force", "role", "team"])


class BoardSeatForm(GDSForm):
    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"] = forms.ModelChoiceField(
            queryset=boards,
            label="Board",
            empty_label="Choose a board",
            error_messages={
                "required": "Choose a board",
                "invalid_choice": "Choose one of the boards listed",
            },
        )


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Search by name, username or email", required=False, max_length=100)
