"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every test here is marked `browser`. Without Chromium at CHROMIUM they are skipped with a
message saying how to get it (`make test` still runs everything else); under CI=true a
missing browser fails the run instead, so CI can never pass without them.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
MISSING = f"Chromium not found at {CHROMIUM}: make test-browser needs it (apt-get install chromium)"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCREENSHOTS = ROOT / "var" / "browser-screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SEEDS = ROOT.parent / "shared" / "seeds"
SAVED: list[Path] = []  # this run's screenshots
AXE_RUNS: list[str] = []  # each axe-core run: "<width>px <url>"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _is_browser_test(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


# After every other plugin's ordering (pytest-django sorts by database use, which would
# put tests needing no database after these).
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    browser = [item for item in items if _is_browser_test(item)]
    for item in browser:
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists() and not _in_ci():
            item.add_marker(pytest.mark.skip(reason=MISSING))
    # Last, after every other test: see _django_beside_playwright.
    items[:] = [item for item in items if not _is_browser_test(item)] + browser


@pytest.fixture(scope="session", autouse=True)
def _django_beside_playwright():
    """Playwright's sync API runs an asyncio event loop in the main thread, from the first
    browser test to the end of the run, and Django refuses ORM calls in a thread with a
    running loop (SynchronousOnlyOperation), though nothing here is async: the factories,
    checks and database flushes run between Playwright's calls, never inside its loop, and
    the live server answers from its own thread. So the browser tests run last, and from the
    first of them Django is told the calls are safe. Not set for the whole run: it would
    reach the subprocesses other tests start (`check --deploy` refuses it, rightly)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    ran = [
        report
        for key in ("passed", "failed", "error", "skipped")
        for report in terminalreporter.stats.get(key, [])
        if getattr(report, "nodeid", "").startswith("tests/browser/")
    ]
    if not ran:
        return
    if all(report.skipped for report in ran):
        terminalreporter.write_line(f"Browser tests skipped: {MISSING}", yellow=True)
        return
    pages = {run.split(" ", 1)[1] for run in AXE_RUNS}
    terminalreporter.write_line(
        f"axe-core: {len(AXE_RUNS)} runs over {len(pages)} page addresses (as each role, "
        "at each width, error states included)"
    )
    terminalreporter.write_line(
        f"Browser screenshots ({len(SAVED)}, each journey's last step): {SCREENSHOTS}"
    )


@pytest.fixture(scope="session")
def base_url(live_server):
    # Pages are opened by path (page.goto("/actions/")) on the live server. This also
    # replaces pytest-playwright's own fallback fixture, which pytest 9 deprecates.
    return live_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(MISSING + " (CI=true: browser tests must run)")
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `make frontend` (npm ci)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def _expect_timeout(page):
    # Auto-waiting assertions: generous enough for a busy 2-core CI machine, no sleeps.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield
    # A script error on any page the test visited fails it.
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def journey_screenshot(page, request):
    """Saves the page as the journey ended, passed or failed:
    var/browser-screenshots/<test>-<database>.png, so a failing run can be seen."""
    yield
    from django.db import connection

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = request.node.originalname.removeprefix("test_")
    path = SCREENSHOTS / f"{name}-{connection.vendor}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
        SAVED.append(path)
    except Exception as error:  # a crashed page must not hide the test's own failure
        request.node.warn(pytest.PytestWarning(f"no screenshot of {name}: {error}"))
