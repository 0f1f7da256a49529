"""Hostile input never gives a server error: every HTML form and list filter, fuzzed.

The pages are found, not listed: signed in as each role of the cast, the test follows the
site's links from the home page and collects every <form> it meets (GET forms are the
list filters, POST forms the changes), with each field's name and, for choices, its
options. Hypothesis then fills them with hostile values (NUL bytes, huge and negative
numbers, 1 MB strings, odd Unicode, impossible dates, other people's ids) mixed with
sensible ones, sends them as the role that saw the form, and asserts no 5xx. Query
strings of every page found get the same treatment, with parameters nobody declared.

Bounded so CI stays quick (under a minute per database): a capped crawl and a
fixed number of examples, derandomized so a failure repeats. PEELTRACK_FUZZ_EXAMPLES
runs more (for example 2000, locally).
"""

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.api.conftest import set_status
from tests.factories import (
    ActionFactory,
    DecisionFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    MeetingFactory,
    MembershipFactory,
    UpdateFactory,
    UserFactory,
)

EXAMPLES = int(os.environ.get("PEELTRACK_FUZZ_EXAMPLES", "120"))
PAGES_PER_ROLE = 40

# Never followed or submitted: signing out ends the session the fuzzing runs in; the
# admin, the API (schemathesis covers it) and downloads are not HTML forms.
SKIP = re.compile(
    r"^/(admin|api|static|accounts/logout|accounts/password|accounts/2fa|accounts/reauthenticate"
    r"|mfa)|/download/|\.(csv|xlsx|zip|pdf)$"
)

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "9" * 30,
    "-" + "9" * 30,
    "99999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "1e400",
    "NaN",
    "0/0/0",
    "31/02/2021",
    "9999-12-31",
    "0001-01-01",
    "x" * (1024 * 1024),
    "Llŷr “quoted” – em — dash … \u202eRTL \ufeffBOM 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚓",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "true",
    "[]",
    "{}",
]


@dataclass
class Form:
    role: str
    method: str
    url: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name: options ([] = free)

    def __repr__(self):
        return f"<{self.role} {self.method} {self.url} {sorted(self.fields)}>"


@dataclass
class Site:
    clients: dict[str, Client]
    forms: list[Form]
    pages: list[tuple[str, str]]  # (role, path)


def _pattern(path: str) -> str:
    """Pages that differ only by an id are one page to the crawl."""
    return re.sub(r"\d+", "N", path)


def _fields(form) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        kind = (element.get("type") or "").lower()
        if not name or name == "csrfmiddlewaretoken" or kind in {"file", "submit", "button"}:
            continue
        options = fields.setdefault(name, [])
        if element.name == "select":
            options += [o.get("value", o.text) for o in element.find_all("option")]
        elif element.get("value") or (
            kind in {"radio", "checkbox", "hidden"} and element.has_attr("value")
        ):
            options.append(element["value"])
    return fields


def _crawl(role: str, client: Client, pages: list, forms: dict, start: list[str]) -> None:
    queue, seen = ["/", *start], set()
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if _pattern(path) in seen or SKIP.search(path):
            continue
        seen.add(_pattern(path))
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages.append((role, path))
        soup = BeautifulSoup(response.content, "html.parser")
        for form in soup.find_all("form"):
            method = (form.get("method") or "get").lower()
            target = urlsplit(form.get("action") or path).path or path
            if SKIP.search(target):
                continue
            key = (role, method, _pattern(target))
            if key not in forms:
                forms[key] = Form(role, method, target, _fields(form))
        for link in soup.find_all("a", href=True):
            href = urlsplit(link["href"])
            if not href.netloc and href.path.startswith("/"):
                queue.append(href.path)


@pytest.fixture
def site(db, force, owner, coordinator, board_member, auditor, overseen_action):
    action = overseen_action
    finding = action.finding
    manager = UserFactory(username="people")
    MembershipFactory(user=manager, force=force, role="people_manager")
    newcomer = UserFactory(username="newcomer")  # whose page the people forms are fuzzed on
    MembershipFactory(user=newcomer, force=force, role="owner")
    MeetingFactory(board=finding.board)
    UpdateFactory(action=action)
    EvidenceFactory(action=action)
    ExtensionRequestFactory(action=action)
    submitted = set_status(ActionFactory(finding=finding, owner=owner), "submitted")
    EvidenceFactory(action=submitted)
    DecisionFactory(action=set_status(ActionFactory(finding=finding), "closed"))
    ActionFactory(finding=finding, owner=None, title="Nobody's yet")
    cast = {
        "owner": owner,
        "coordinator": coordinator,
        "board_member": board_member,
        "auditor": auditor,
        "people_manager": manager,
    }
    clients, pages, forms = {}, [], {}
    for role, user in cast.items():
        client = Client()
        client.force_login(user)
        clients[role] = client
        # Pages of one kind are visited once: start the people manager at someone else's
        # page (their own has no forms), so the role and seat forms are found.
        start = [f"/people/{newcomer.pk}/"] if role == "people_manager" else []
        _crawl(role, client, pages, forms, start)
    # Downloads are not crawled (no forms), but their query strings are filters too.
    inspection = finding.inspection.pk
    pages += [
        ("auditor", f"/exports/{name}.{fmt}")
        for name in ("actions", "findings", "updates", "decisions", "events")
        for fmt in ("csv", "xlsx")
    ]
    pages += [
        ("auditor", "/packs/actions.zip"),
        ("auditor", f"/inspections/{inspection}/report.pdf"),
    ]
    return Site(clients, list(forms.values()), pages)


DATE_PART = re.compile(r"_[012]$")  # a GOV.UK date input's day, month and year boxes


def _value(options: list[str], name: str = ""):
    hostile = st.sampled_from(HOSTILE) | st.text(max_size=40) | st.integers().map(str)
    if DATE_PART.search(name):
        # Mostly digits, so that the other two boxes let a hostile one through to the date.
        return st.sampled_from(["1", "12", "28", "2030"]) | hostile
    if options:
        return st.sampled_from(options) | hostile
    return st.sampled_from(["Fuzzed note", "1", "2030"]) | hostile


@st.composite
def submissions(draw, forms: list[Form]):
    # Each form once, whoever saw it: the filter panel appears on many pages.
    kinds = sorted({(f.method, _pattern(f.url)) for f in forms})
    kind = draw(st.sampled_from(kinds))
    form = draw(st.sampled_from([f for f in forms if (f.method, _pattern(f.url)) == kind]))
    values = {}
    for name in sorted(form.fields):
        if draw(st.integers(0, 9)) == 0:
            continue  # sometimes a field is missing altogether
        values[name] = draw(_value(form.fields[name], name))
    if draw(st.booleans()):
        values[draw(st.sampled_from(["foo", "page", "page_size", "sort", "id"]))] = draw(
            st.sampled_from(HOSTILE)
        )
    return form, values


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _check_the_crawl_found_the_forms_worth_fuzzing(site):
    found = {(f.method, _pattern(f.url)) for f in site.forms}
    for expected in [
        ("post", "/actions/N/update/"),
        ("post", "/actions/N/evidence/"),
        ("post", "/actions/N/edit/"),
        ("post", "/findings/N/actions/new/"),
        ("post", "/actions/N/extension/"),
        ("post", "/actions/N/decide/"),
        ("post", "/extensions/N/decide/"),
        ("post", "/boards/N/"),
        ("post", "/inspections/new/"),
        ("post", "/inspections/findings/N/edit/"),
        ("post", "/people/invite/"),
        ("post", "/people/N/roles/"),
        ("get", "/actions/"),
        ("get", "/audit/"),
    ]:
        assert expected in found, sorted(found)
    assert len(site.pages) >= 30


def _send(site: Site, form: Form, values: dict):
    client = site.clients[form.role]
    if form.method == "post":
        return client.post(form.url, values)
    return client.get(form.url, values)


def _sensible(form: Form) -> dict:
    """Values each field would accept, to carry one hostile value past the others."""
    dates = {"_0": "1", "_1": "1", "_2": "2030"}
    values = {}
    for name, options in form.fields.items():
        if DATE_PART.search(name):
            values[name] = dates[name[-2:]]
        else:
            values[name] = options[-1] if options else "Fuzzed note"
    return values


def _known_cases(forms: list[Form]) -> list[tuple[Form, dict]]:
    """The issue's cases, for every form, always run: a huge number and 0/0/0 in each date,
    1 MB in every free-text field."""
    cases, done = [], set()
    for form in forms:
        kind = (form.method, _pattern(form.url))
        if kind in done:
            continue
        done.add(kind)
        base = _sensible(form)
        parts = [n for n in form.fields if DATE_PART.search(n)]
        for box in parts:
            cases.append((form, {**base, box: "99999999999999999999999"}))
        if parts:
            cases.append((form, {**base, **dict.fromkeys(parts, "0")}))
        free = [n for n, options in form.fields.items() if not options and n not in parts]
        if free:
            cases.append((form, {**base, **dict.fromkeys(free, "x" * (1024 * 1024))}))
    return cases


@pytest.mark.django_db
def test_no_form_answers_a_server_error(site):
    _check_the_crawl_found_the_forms_worth_fuzzing(site)

    @FUZZ
    @given(submissions(site.forms))
    def check(submission):
        form, values = submission
        response = _send(site, form, values)
        assert response.status_code < 500, (form, {k: v[:80] for k, v in values.items()})

    for case in _known_cases(site.forms):
        check = example(case)(check)
    check()


@pytest.mark.django_db
def test_no_query_string_answers_a_server_error(site):
    names = sorted({n for f in site.forms if f.method == "get" for n in f.fields})
    names += ["foo", "page", "page_size", "format", "since", "next", "meeting", "a\x00b"]

    @FUZZ
    @given(
        st.sampled_from(site.pages),
        st.dictionaries(st.sampled_from(names), _value([]), max_size=4),
    )
    def check(page, query):
        role, path = page
        response = site.clients[role].get(path, query)
        assert response.status_code < 500, (role, path, {k: v[:80] for k, v in query.items()})

    check()
