"""Personal API tokens (only a hash is kept; the secret is shown once, when made), and
requests for access from people who signed in with single sign-on."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from audit.models import Event

# How long a new token lasts. Tokens always expire, so a forgotten one dies.
LIFETIMES = {30: "30 days", 90: "90 days", 365: "1 year"}
DEFAULT_LIFETIME = 90
# Enough for a few scripts and dashboards each; more suggests tokens are being shared.
MAX_TOKENS_PER_USER = 20


class ApiToken(AbstractAuthToken):
    """A token a user made for a script or dashboard. Knox checks it; we add a name."""

    # Knox keys tokens by their digest; a plain id keeps the digest out of URLs and pages.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(max_length=100, help_text="What the token is for.")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.hint})"

    @property
    def hint(self) -> str:
        """The token's first characters, enough to tell tokens apart, not to use one."""
        return f"{self.token_key[:10]}…"

    @property
    def is_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()


def token_create(*, user, name: str, days: int = DEFAULT_LIFETIME) -> tuple[ApiToken, str]:
    """Make a token for user; returns it with the secret, which is never stored or shown again."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Enter what the token is for, for example “Power BI refresh”."
    elif len(name) > 100:
        errors["name"] = "The name must be 100 characters or fewer."
    if days not in LIFETIMES:
        errors["days"] = "Choose how long the token lasts."
    if user.auth_token_set.filter(expiry__gt=timezone.now()).count() >= MAX_TOKENS_PER_USER:
        errors["name"] = (
            f"You already have {MAX_TOKENS_PER_USER} tokens. Revoke one you no longer use first."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        token, secret = ApiToken.objects.create(
            user=user, expiry=dt.timedelta(days=days), name=name
        )
        Event.record(
            user,
            "token.create",
            token,
            summary=f"API token created: {name}",
            expires=token.expiry.isoformat(),
        )
    return token, secret


def token_revoke(*, token: ApiToken, by) -> None:
    """Revoke a token: scripts using it stop working at once."""
    if token.user_id != by.pk:
        raise ValidationError("You can only revoke your own tokens.")
    with transaction.atomic():
        Event.record(by, "token.revoke", token, summary=f"API token revoked: {token.name}")
        token.delete()


class AccessRequest(models.Model):
    """Someone signed in with single sign-on for the first time: their account waits,
    inactive, until a people manager of the force approves it (with a role) or refuses."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests"
    )
    # The force whose people managers decide: the sign-in service's (OIDC_FORCE). None
    # when it names none and there are several forces: then only the back office decides.
    force = models.ForeignKey(
        "forces.Force",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_requests",
    )
    provider = models.CharField(max_length=100, help_text="The sign-in service used.")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "force"],
                condition=models.Q(state="pending"),
                name="one_pending_access_request",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.force} – {self.get_state_display()}"
