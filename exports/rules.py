"""Who may take the record away, and who reads the force-wide audit trail."""

# Exports and evidence packs take the record away. Auditors read everything in
# their force; owners, coordinators and board members export what they can see.
EXPORTERS = frozenset({"owner", "coordinator", "board_member", "auditor"})
# The force-wide audit trail (every event, not only an action's timeline).
AUDIT_READERS = frozenset({"coordinator", "auditor"})
# The site's public key for evidence packs: auditors check packs against it.
KEY_READERS = frozenset({"auditor"})
