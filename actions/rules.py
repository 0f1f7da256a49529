"""Who may do what to an action. Pages, forms, buttons, the admin and the API all ask here.

A user's rights come from their roles in the action's force (forces.roles).
Superusers (the back office) hold every role in every force.
"""

from forces.roles import board_ids, roles_in

# Closing an action submitted for closure is a governance decision taken by the
# members of the board that oversees its finding. A finding with no board yet
# falls back to these roles.
CLOSERS = frozenset({"coordinator"})
# Decisions a board takes. A member never signs off or returns an action they own.
BOARD_VERBS = frozenset({"close", "return", "decide_extension"})
# Decisions on finished work: whoever owns it or submitted it takes neither.
VERDICT_VERBS = frozenset({"close", "return"})

# Verbs an action's owner may do to their own, open action.
OWNER_VERBS = frozenset(
    {"update", "add_evidence", "start", "hold", "resume", "submit", "request_extension"}
)
# Verbs only a coordinator may do.
COORDINATOR_VERBS = OWNER_VERBS | {"edit", "reopen"}
READ_VERBS = frozenset({"view", "download_evidence"})


def can_decide(user, action, roles) -> bool:
    """Board members of the action's board decide; coordinators when it has no board."""
    board_id = action.finding.board_id
    if board_id is None:
        return bool(roles & CLOSERS)
    return user.is_superuser or board_id in board_ids(user)


def submitter_id(action) -> int | None:
    """Who submitted the action for closure (the author of the latest 'submit' update)."""
    if action.status != "submitted":
        return None
    if not hasattr(action, "_submitter_id") and hasattr(action, "latest_submitter_id"):
        # Annotated by ActionQuerySet.with_submitter (every list): no query per row.
        action._submitter_id = action.latest_submitter_id
    if not hasattr(action, "_submitter_id"):
        action._submitter_id = (
            action.updates.filter(status_after="submitted")
            .exclude(status_before="submitted")
            .order_by("-created_at", "-pk")
            .values_list("author_id", flat=True)
            .first()
        )
    return action._submitter_id


def can(user, verb: str, action) -> bool:
    """Whether user may do verb to action."""
    roles = roles_in(user, action.finding.inspection.force_id)
    if not roles:
        return False
    if verb in READ_VERBS:
        return True
    if verb == "request_extension" and action.status == "submitted":
        # Finished work waits on the board's decision, not on a later due date.
        return False
    if verb in BOARD_VERBS:
        # Separation of duties: nobody signs off or returns work they own or submitted
        # (returning your own work would let you reopen it unseen by the board), or
        # decides more time for their own action.
        if verb in VERDICT_VERBS and user.pk in {action.owner_id, submitter_id(action)}:
            return False
        if verb == "decide_extension" and action.owner_id == user.pk:
            return False
        return can_decide(user, action, roles)
    if verb in COORDINATOR_VERBS and "coordinator" in roles:
        return action.status != "closed" or verb == "reopen"
    if verb in OWNER_VERBS and action.owner_id == user.pk:
        return action.status != "closed"
    return False


# OFFICIAL-SENSITIVE evidence is need-to-know: the action's owner, whoever
# uploaded it, and the roles that oversee or audit the force.
SENSITIVE_READERS = frozenset({"coordinator", "board_member", "auditor"})


def can_see_evidence(user, evidence, action) -> bool:
    """Whether user may see and download a piece of evidence on action."""
    roles = roles_in(user, action.finding.inspection.force_id)
    if not roles:
        return False
    if evidence.marking != "OFFICIAL-SENSITIVE":
        return True
    return bool(roles & SENSITIVE_READERS) or user.pk in {action.owner_id, evidence.uploaded_by_id}
