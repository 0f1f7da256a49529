"""Small pieces every app's serializers share."""


def person(user) -> str | None:
    """A person's display name: full name, else username."""
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def request_user(serializer):
    """The signed-in user a serializer works for, if it was given the request."""
    request = serializer.context.get("request")
    return request.user if request else None
