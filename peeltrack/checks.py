"""System checks for production settings that are allowed but unwise."""

from django.conf import settings
from django.core.checks import Warning, register


@register("security", deploy=False)
def virus_scanning_on(app_configs, **kwargs):
    """Production (DEBUG off) with upload virus scanning turned off is allowed, but said."""
    if settings.DEBUG or settings.CLAMAV_ENABLED:
        return []
    return [
        Warning(
            "Uploads are not scanned for viruses (CLAMAV_ENABLED is off).",
            hint="Run clamd (Debian's clamav-daemon, with freshclam keeping its signatures "
            "up to date), set CLAMAV_ENABLED=1 and CLAMD_SOCKET or CLAMD_HOST: see "
            "docs/deploy.md.",
            id="peeltrack.W001",
        )
    ]
