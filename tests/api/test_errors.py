"""Bad input answers 400 (or 404) in one JSON shape, and never a server error: NUL bytes,
numbers too big for any database, impossible dates, broken JSON, stray cursors."""

import pytest

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
LIST_QUERIES = [
    ("actions", {"q": "vetting\x00"}),
    ("actions", {"status": "\x00"}),
    ("actions", {"status": "bogus"}),
    ("actions", {"owner": HUGE}),
    ("actions", {"owner": "me"}),
    ("actions", {"inspection": HUGE}),
    ("actions", {"finding": HUGE}),
    ("actions", {"finding": "-" + HUGE}),
    ("actions", {"board": "1e400"}),
    ("actions", {"page": "two"}),
    ("actions", {"page": "0"}),
    ("findings", {"board": HUGE}),
    ("findings", {"inspection": HUGE}),
    ("inspections", {"published_after": "2020-13-45"}),
    ("inspections", {"published_before": "99999-01-01"}),
    ("updates", {"since": "yesterday"}),
    ("updates", {"action": HUGE}),
    ("updates", {"cursor": "not-a-cursor"}),
    ("events", {"action": HUGE}),
    ("events", {"since": "2021-02-30"}),
    ("events", {"actor": HUGE}),
    ("events", {"cursor": "cD1nYXJiYWdl"}),  # decodes, but its position is no date
    ("evidence", {"marking": "\x00"}),
    ("decisions", {"until": "31/13/2020"}),
    ("people", {"force": HUGE}),
    ("judgments", {"grade": "brilliant"}),
]


@pytest.mark.parametrize("resource, query", LIST_QUERIES)
def test_a_bad_filter_is_a_bad_request(api, coordinator, action, resource, query):
    response = api(coordinator).get(f"/api/v1/{resource}/", query)
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert set(body["errors"]) <= {*query, "non_field_errors"}
    assert body["detail"]


def test_a_page_past_the_end_is_not_found(api, coordinator, action):
    response = api(coordinator).get("/api/v1/actions/", {"page": HUGE})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/actions/{HUGE}/",
        f"/api/v1/actions/{'9' * 5000}/",
        f"/api/v1/evidence/{HUGE}/download/",
        "/api/v1/actions/-1/",
        "/api/v1/actions/abc/",
        "/api/v1/actions/1%00/",
        "/api/v1/nothing-here/",
        "/api/v1/actions",
    ],
)
def test_an_address_that_names_nothing_is_not_found_in_json(api, coordinator, action, path):
    response = api(coordinator).get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


BODIES = [
    ("updates", {"note": "Started\x00"}),
    ("updates", {"note": "Started", "progress": 10**30}),
    ("updates", {"note": "Started", "progress": "lots"}),
    ("updates", {"note": "Started", "version": 10**30}),
    ("updates", {"note": ["a", "list"]}),
    ("updates", {"note": "Started", "rag": "purple"}),
    ("extension-requests", {"new_due_date": "2021-02-30", "reason": "x"}),
    ("extension-requests", {"new_due_date": "99999-01-01", "reason": "x"}),
    ("extension-requests", {"new_due_date": 20210101, "reason": "x"}),
    ("hold", {"note": "x", "version": -1}),
    ("sign-off", {"note": "x", "meeting": HUGE}),
]


@pytest.mark.parametrize("endpoint, body", BODIES)
def test_a_bad_body_is_a_bad_request(api, coordinator, action, endpoint, body):
    response = api(coordinator).post(
        f"/api/v1/actions/{action.pk}/{endpoint}/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    "body",
    [
        {"owner": 10**30, "version": 1},
        {"due_date": "2021-02-30", "version": 1},
        {"due_date": "not a date", "version": 1},
        {"title": "", "version": 1},
        {"title": "x" * 201, "version": 1},
        {"team": "\x00", "version": 1},
        {"version": "one"},
        {"version": 10**30},
    ],
)
def test_a_bad_edit_is_a_bad_request(api, coordinator, action, body):
    response = api(coordinator).patch(f"/api/v1/actions/{action.pk}/", body, format="json")
    assert response.status_code == 400, response.content


def test_a_lone_surrogate_is_a_bad_request(api, owner, action):
    response = api(owner).post(
        f"/api/v1/actions/{action.pk}/updates/",
        '{"note": "Started \\ud800"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["note"]


def test_broken_json_is_a_bad_request(api, owner, action):
    response = api(owner).post(
        f"/api/v1/actions/{action.pk}/updates/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_an_unknown_content_type_is_refused(api, owner, action):
    response = api(owner).post(
        f"/api/v1/actions/{action.pk}/updates/", "note=x", content_type="text/csv"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_field_errors_name_the_field_and_summarise(api, owner, action):
    response = api(owner).post(
        f"/api/v1/actions/{action.pk}/updates/", {"progress": 150}, format="json"
    )
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "note: This field is required.",
        "errors": {
            "note": ["This field is required."],
            "progress": ["Ensure this value is less than or equal to 100."],
        },
    }


def test_a_bad_date_in_an_upload_is_a_bad_request(api, owner, action):
    response = api(owner).post(
        f"/api/v1/actions/{action.pk}/evidence/",
        {"url": "https://example.org", "description": "x", "effective_date": "2020-02-30"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["effective_date"]
