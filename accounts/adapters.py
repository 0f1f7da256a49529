"""How django-allauth behaves in PEELtrack (settings: ACCOUNT_, SOCIALACCOUNT_, MFA_ADAPTER).

- Nobody signs up by themselves: people managers invite people (accounts.people).
- A first single sign-on makes an inactive account and an access request for the sign-in
  service's force; the person sees "waiting for approval" until a people manager decides.
- Everyone's address comes from accounts.clients, the same as the lockout and the API's.
- Someone whose role needs two-factor cannot remove it (a people manager can reset it).
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction

from forces.models import Force
from forces.roles import needs_two_factor

from .clients import client_ip

WRONG_PASSWORD = "Enter a correct username (or email address) and password"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The same words whether the name or the password was wrong, or the name unknown.
        "username_password_mismatch": WRONG_PASSWORD,
        "email_password_mismatch": WRONG_PASSWORD,
        "too_many_login_attempts": "Too many failed sign-in attempts. Wait 5 minutes, then "
        "try again, or reset your password.",
        "incorrect_password": "Enter your current password correctly",
        "enter_current_password": "Enter your current password correctly",
        "incorrect_code": "Enter the code your authenticator app shows now, or an unused "
        "recovery code",
        "rate_limited": "Too many attempts. Wait a minute, then try again.",
    }

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        return client_ip(request) or "0.0.0.0"  # noqa: S104 (a placeholder, not a bind address)


def force_for(provider) -> Force | None:
    """The force a sign-in service serves: its `force` setting, or the only force."""
    slug = (getattr(provider, "app", None) and provider.app.settings.get("force")) or ""
    if slug:
        return Force.objects.filter(slug=slug).first()
    forces = list(Force.objects.all()[:2])
    return forces[0] if len(forces) == 1 else None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return True

    @transaction.atomic
    def save_user(self, request, sociallogin, form=None):
        """A first sign-in: the account is made inactive, with a request for access."""
        from .people import access_request_open

        sociallogin.user.is_active = False
        user = super().save_user(request, sociallogin, form)
        access_request_open(
            user=user, force=force_for(sociallogin.provider), provider=sociallogin.provider.name
        )
        return user


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "Enter the code your authenticator app shows now, or an unused "
        "recovery code",
        "cannot_delete_authenticator": "Your role needs two-factor authentication, so you "
        "cannot turn it off. If you have a new phone, ask your people manager to reset it.",
    }

    def can_delete_authenticator(self, authenticator):
        if settings.REQUIRE_2FA and needs_two_factor(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)

    def get_totp_label(self, user):
        return user.get_username()
