"""Police forces, their governance boards, and the roles people hold in each force."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .querysets import BoardQuerySet


class Force(models.Model):
    """A territorial police force, e.g. Avon and Somerset Constabulary."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    most_similar = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        help_text="The force's most-similar group, used for comparison.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Board(models.Model):
    """A governance board that oversees findings and signs off their actions."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="boards")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="boards")

    objects = BoardQuerySet.as_manager()

    class Meta:
        ordering = ["force__name", "name"]
        constraints = [models.UniqueConstraint(fields=["force", "name"], name="unique_board_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:board", args=[self.pk])


class Role(models.TextChoices):
    OWNER = "owner", "Action owner"
    COORDINATOR = "coordinator", "Coordinator"
    BOARD_MEMBER = "board_member", "Board member"
    AUDITOR = "auditor", "Auditor"
    # Runs the force's people: invites, approves sign-ups, gives roles and board seats,
    # deactivates leavers and unlocks accounts. A role of its own, not the coordinator's:
    # whoever allocates the work should not also be the one who grants access to it.
    PEOPLE_MANAGER = "people_manager", "People manager"


class Membership(models.Model):
    """A user's role in a force. A user may hold several roles in the same force."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["force__name", "user__username", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "force", "role"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.force}"
