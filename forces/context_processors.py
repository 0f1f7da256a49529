"""Template context: who the user is and which force they work in."""

from .models import Membership


def membership(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(Membership.objects.filter(user=user).select_related("force"))
    forces = sorted({m.force.name for m in memberships})
    roles = sorted({m.get_role_display() for m in memberships})
    return {
        "user_forces": forces,
        "user_roles": roles,
        "is_coordinator": any(m.role == "coordinator" for m in memberships) or user.is_superuser,
        "is_people_manager": any(m.role == "people_manager" for m in memberships)
        or user.is_superuser,
    }
