"""Who a user is in each force: the forces they belong to, their roles, their boards.

Every visibility check (`visible_to`) and every rule (`actions.rules`) starts here.
Superusers (the back office) hold every role in every force. Answers are cached on the
user object, so a request asks the database once.
"""

ALL_ROLES = frozenset({"owner", "coordinator", "board_member", "auditor", "people_manager"})
# Roles whose holders must sign in with two-factor (accounts.middleware), as must staff.
TWO_FACTOR_ROLES = frozenset({"coordinator", "auditor", "people_manager"})


def force_ids_for(user) -> list[int] | None:
    """Forces a user belongs to; None means every force (superuser)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, "_peel_force_ids", None)
    if cached is None:
        from .models import Membership

        cached = list(
            Membership.objects.filter(user=user).values_list("force_id", flat=True).distinct()
        )
        user._peel_force_ids = cached
    return cached


def roles_in(user, force_id: int) -> frozenset[str]:
    """The roles user holds in a force, cached on the user for the request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL_ROLES
    cache = getattr(user, "_peel_roles", None)
    if cache is None:
        from .models import Membership

        cache = {}
        for fid, role in Membership.objects.filter(user=user).values_list("force_id", "role"):
            cache.setdefault(fid, set()).add(role)
        user._peel_roles = cache
    return frozenset(cache.get(force_id, ()))


def board_ids(user) -> frozenset[int]:
    """The boards user sits on, cached on the user for the request."""
    if not user.is_authenticated:
        return frozenset()
    cache = getattr(user, "_peel_boards", None)
    if cache is None:
        cache = frozenset(user.boards.values_list("pk", flat=True))
        user._peel_boards = cache
    return cache


def can_manage_force(user, force_id: int) -> bool:
    """Coordinators allocate findings and raise actions in their force."""
    return "coordinator" in roles_in(user, force_id)


def forces_where(user, roles: frozenset[str]) -> list[int] | None:
    """Forces in which user holds any of roles; None means every force (superuser)."""
    forces = force_ids_for(user)
    if forces is None:
        return None
    return [force_id for force_id in forces if roles_in(user, force_id) & roles]


def can_manage_people(user, force_id: int) -> bool:
    """People managers run their force's people: invite, approve, give roles, deactivate."""
    return "people_manager" in roles_in(user, force_id)


def needs_two_factor(user) -> bool:
    """Staff, superusers and anyone holding a two-factor role in any force."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(roles_in(user, force_id) & TWO_FACTOR_ROLES for force_id in force_ids_for(user))
