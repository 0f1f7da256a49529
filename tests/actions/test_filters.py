import datetime as dt

import pytest

from actions.filters import ActionFilter, UpdateFilter
from actions.models import Action, Update
from governance.filters import ExtensionRequestFilter
from governance.models import ExtensionRequest
from inspections.filters import JudgmentFilter
from inspections.models import Judgment
from tests.factories import ActionFactory, FindingFactory

pytestmark = pytest.mark.django_db


def test_it_filters_by_status(finding):
    ActionFactory.create_batch(2, finding=finding, status="in_progress")
    ActionFactory(finding=finding)
    assert ActionFilter({"status": ["in_progress"]}, Action.objects.all()).qs.count() == 2


def test_it_filters_by_theme(inspection):
    ActionFactory(finding=FindingFactory(inspection=inspection, theme="vetting"))
    ActionFactory(finding=FindingFactory(inspection=inspection, theme="use of force"))
    assert ActionFilter({"theme": "use of force"}, Action.objects.all()).qs.count() == 1


def test_it_filters_overdue(finding):
    ActionFactory(finding=finding, due_date=dt.date(2020, 1, 1))
    ActionFactory(finding=finding, due_date=dt.date(2020, 1, 1), status="closed")
    ActionFactory(finding=finding)
    assert ActionFilter({"overdue": "true"}, Action.objects.all()).qs.count() == 1
    assert ActionFilter({"overdue": "false"}, Action.objects.all()).qs.count() == 2


def test_it_searches_titles_and_finding_text(finding):
    ActionFactory(finding=finding, title="Debrief procedure")
    ActionFactory(finding=finding, title="Other")
    assert ActionFilter({"q": "debrief"}, Action.objects.all()).qs.count() == 1
    assert ActionFilter({"q": "vetting"}, Action.objects.all()).qs.count() == 2


def test_search_ignores_accents_and_case_both_ways(finding, owner):
    owner.first_name, owner.last_name = "Zoë", "Brontë"
    owner.save()
    ActionFactory(finding=finding, owner=owner, title="Débrief procédure révisée")
    ActionFactory(finding=finding, title="Other")
    for q in ("zoe", "ZOË", "bronte", "debrief", "PROCEDURE", "révisée"):
        assert ActionFilter({"q": q}, Action.objects.all()).qs.count() == 1, q


def test_it_filters_actions_not_yet_rated(finding):
    ActionFactory(finding=finding, rag="red")
    ActionFactory(finding=finding, rag="")
    assert ActionFilter({"rag": ["none"]}, Action.objects.all()).qs.count() == 1
    assert ActionFilter({"rag": ["none", "red"]}, Action.objects.all()).qs.count() == 2


def test_a_submitted_action_is_not_overdue(finding):
    ActionFactory(finding=finding, due_date=dt.date(2020, 1, 1), status="submitted")
    action = Action.objects.get()
    assert not action.is_overdue
    assert ActionFilter({"overdue": "true"}, Action.objects.all()).qs.count() == 0


def test_the_filters_never_ask_for_distinct_and_list_each_action_once(finding, owner, teammate):
    # No filter joins a to-many relation, so rows cannot repeat and DISTINCT (a sort of
    # the whole list over every column) would only cost time.
    for status in ["not_started", "in_progress", "submitted", "closed"]:
        ActionFactory(finding=finding, owner=owner, status=status, rag="red")
        ActionFactory(finding=finding, owner=teammate, status=status)
    data = {
        "status": ["in_progress", "submitted", "closed"],
        "rag": ["red", "none"],
        "q": "vetting",
        "theme": finding.theme,
        "inspection": finding.inspection_id,
    }
    qs = ActionFilter(data, Action.objects.all()).qs
    assert "DISTINCT" not in str(qs.query)
    ids = list(qs.values_list("pk", flat=True))
    assert len(ids) == len(set(ids)) == 6
    assert sorted(ids) == sorted(qs.distinct().values_list("pk", flat=True))


def test_the_api_list_filters_of_updates_extensions_and_judgments_ask_for_no_distinct():
    for filterset, model, data in [
        (UpdateFilter, Update, {"status_after": ["submitted", "closed"]}),
        (ExtensionRequestFilter, ExtensionRequest, {"state": ["pending", "approved"]}),
        (JudgmentFilter, Judgment, {"grade": ["good", "adequate"]}),
    ]:
        bound = filterset(data, model.objects.all())
        assert bound.is_valid(), bound.errors
        assert "DISTINCT" not in str(bound.qs.query), filterset
