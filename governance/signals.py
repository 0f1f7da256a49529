"""What the governance layer announces, for the layers above it to act on.

Both are sent inside the transaction that writes the request, after its audit event.

extension_requested: an owner asked the overseeing board for a later due date.
Arguments: request (an ExtensionRequest), by.

extension_decided: the board approved or rejected a request. Arguments: request, by.
"""

from django.dispatch import Signal

extension_requested = Signal()
extension_decided = Signal()
