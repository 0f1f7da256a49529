"""The test suite's settings: PEELtrack's own, with DEBUG on as in development.

DEBUG is off unless set (peeltrack/settings.py), and production refuses to start without
its secrets. The tests run as development does; the tests of production settings start
Django in a subprocess with the production environment (tests/test_settings.py).
"""

import os

os.environ["DEBUG"] = "1"

from peeltrack.settings import *  # noqa: E402, F403
