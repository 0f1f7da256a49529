"""What the browser tests share: signing in through the sign-in page, the axe-core check at
both widths, and moving through a page with the keyboard only."""

import functools
import json

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import AXE, AXE_RUNS

PASSWORD = "pass-word-123"  # tests/factories.UserFactory
WIDTHS = (1280, 400)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Rules switched off, each with why it is a false positive here. Keep this empty unless
# a rule is wrong about a page; a real failure is fixed in the template instead.
DISABLED_RULES: dict[str, str] = {}


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;true"


def url(live_server, path: str) -> str:
    return f"{live_server.url}{path}"


def sign_in(page: Page, live_server, user, *, keyboard: bool = False) -> None:
    """Signs in on allauth's page as a person does (two-factor is off in the tests)."""
    page.goto(url(live_server, "/accounts/login/"))
    if keyboard:
        tab_to(page, page.locator("#id_login"))
        page.keyboard.type(user.username)
        tab_to(page, page.locator("[name=password]"))
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
    else:
        page.locator("[name=login]").fill(user.username)
        page.locator("[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".app-whoami")).to_contain_text("Signed in as")


def check_accessibility(page: Page, *, widths=WIDTHS) -> None:
    """Runs axe-core (WCAG 2.0/2.1/2.2 A and AA) on the page at each width: 0 violations."""
    page.wait_for_load_state("load")
    # The site's Content-Security-Policy (script-src 'self') refuses an injected <script>
    # tag, as it should; Playwright's evaluate runs outside the page's CSP.
    page.evaluate(_axe_source())
    original = page.viewport_size
    problems = []
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            result = page.evaluate(
                """([tags, disabled]) => axe.run(document, {
                    runOnly: {type: 'tag', values: tags},
                    rules: Object.fromEntries(disabled.map(id => [id, {enabled: false}])),
                    resultTypes: ['violations'],
                })""",
                [TAGS, list(DISABLED_RULES)],
            )
            AXE_RUNS.append(f"{width}px {page.url}")
            for violation in result["violations"]:
                nodes = [
                    {"target": node["target"], "html": node["html"][:200]}
                    for node in violation["nodes"][:5]
                ]
                problems.append(
                    f"{width}px {violation['id']} ({violation['impact']}): "
                    f"{violation['help']}\n{json.dumps(nodes, indent=1)}"
                )
    finally:
        page.set_viewport_size(original)
    title = page.title()
    assert not problems, f"axe-core on {page.url} ({title}):\n" + "\n".join(problems)


FOCUS_STATE = """el => {
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
        && s.outlineColor !== 'transparent' && !s.outlineColor.endsWith(', 0)');
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    const yellow = s.backgroundColor === 'rgb(255, 221, 0)';
    return outline || shadow || yellow;
}"""


def has_visible_focus(locator: Locator) -> bool:
    """GOV.UK focus states: a yellow (#ffdd00) background, a visible outline or a
    box-shadow (the transparent outline GOV.UK adds for Windows high contrast is not one)."""
    return locator.evaluate(FOCUS_STATE)


def tab_to(page: Page, target: Locator, *, limit: int = 150, backwards: bool = False) -> None:
    """Presses Tab until `target` has focus, checking every stop on the way is visibly
    focused (WCAG 2.4.7); fails if the target is never reached (a focus trap or a control
    the keyboard cannot get to)."""
    key = "Shift+Tab" if backwards else "Tab"
    handle = target.first.element_handle()  # waits for the page that has it
    # GOV.UK Frontend's scripts (which may move focus: error summaries, success banners)
    # have run by the load event: start tabbing after them, as a person would.
    page.wait_for_load_state("load")
    visited = []
    for _ in range(limit):
        page.keyboard.press(key)
        stop = page.evaluate(
            f"""target => {{
                const el = document.activeElement;
                if (!el || el === document.body) return {{reached: false, visible: true}};
                return {{reached: el === target, visible: ({FOCUS_STATE})(el),
                         html: el.outerHTML.slice(0, 200)}};
            }}""",
            handle,
        )
        assert stop["visible"], f"no visible focus on {stop['html']} ({page.url})"
        if stop["reached"]:
            return
        visited.append(stop.get("html", "<body>")[:80])
    raise AssertionError(
        f"{target} not reached with {limit} presses of {key} on {page.url}; the last stops: "
        + "\n".join(visited[-8:])
    )
