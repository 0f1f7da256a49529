"""What every API viewset shares."""

from rest_framework import viewsets


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and retrieve, scoped by get_queryset (always a visible_to queryset)."""

    # Ids are numbers; anything else is simply not found (never a database error).
    lookup_value_regex = r"[0-9]+"
