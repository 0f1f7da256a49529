"""What the actions layer announces, for the layers above it to act on.

action_moved: an action made a workflow move (Action.apply_update), sent inside the
transaction that made it, after the progress update is written and before the audit
event. Arguments: action, move (a Transition), by, note, at (the update's time) and
context (whatever the caller passed for the layers above: governance reads "meeting").
A receiver that raises undoes the whole move.

action_allocated: an action was given an owner, or a new one (create_action, Action.edit),
sent inside the transaction after the action is saved. Arguments: action, by, owner (the
new owner, or None), previous (the owner before, or None).
"""

from django.dispatch import Signal

action_moved = Signal()
action_allocated = Signal()
