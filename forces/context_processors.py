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
        # The Review queue is for those who decide: board members, and coordinators (who
        # decide for findings with no board). Owners and auditors never have anything in it.
        "can_review": user.is_superuser
        or any(m.role in {"coordinator", "board_member"} for m in memberships),
        "is_people_manager": any(m.role == "people_manager" for m in memberships)
        or user.is_superuser,
    }
