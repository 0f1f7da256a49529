"""Who may bring work in: coordinators for their forces, national accounts for every force.

A coordinator's rights come from forces.roles; a national account is a user given the
"Can import national recommendations for every force" permission in the back office
(superusers hold it too)."""

from forces.models import Force
from forces.roles import forces_where

NATIONAL_PERMISSION = "inspections.import_national"


def managed_forces(user):
    """The forces whose inspections and findings user may add to and change."""
    ids = forces_where(user, frozenset({"coordinator"}))
    return Force.objects.all() if ids is None else Force.objects.filter(pk__in=ids)


def can_import_national(user) -> bool:
    """Whether user may import a national report for every force."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm(NATIONAL_PERMISSION))
    )
