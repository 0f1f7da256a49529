"""What the sign-in page offers: single sign-on buttons and the lockout policy."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_providers(context):
    """[{name, url}] for each configured OpenID Connect sign-in service."""
    from allauth.socialaccount.adapter import get_adapter

    request = context.get("request")
    return [
        {"name": provider.name, "url": provider.get_login_url(request)}
        for provider in get_adapter().list_providers(request)
    ]


@register.simple_tag
def lockout_policy():
    return {
        "after": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
