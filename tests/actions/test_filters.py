import datetime as dt

import pytest

from actions.filters import ActionFilter
from actions.models import Action
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
