"""What the inspections layer announces, for the layers above it to act on.

finding_added: a finding was written (imported from a report, distributed from a national
report, or added by hand), sent by services.finding_insert inside its transaction.
Arguments: finding, by. A new finding has no action yet: it waits to be allocated.
"""

from django.dispatch import Signal

finding_added = Signal()
