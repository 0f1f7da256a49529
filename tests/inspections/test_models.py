import datetime as dt

import pytest

from inspections.models import Grade, Pillar
from tests.factories import InspectionFactory, JudgmentFactory

pytestmark = pytest.mark.django_db


def test_response_is_due_56_days_after_publication():
    inspection = InspectionFactory(published=dt.date(2020, 2, 3))
    assert inspection.response_due == dt.date(2020, 3, 30)


def test_response_due_is_unknown_without_a_publication_date():
    assert InspectionFactory(published=None).response_due is None


def test_a_judgment_from_an_earlier_year_is_carried_over():
    inspection = InspectionFactory(programme="PEEL 2018/19")
    assert JudgmentFactory(inspection=inspection, last_inspected="2017/18").carried_over
    assert not JudgmentFactory(inspection=inspection, last_inspected="2018/19").carried_over


def test_a_pillar_judgment_has_no_question():
    assert JudgmentFactory(question="", pillar="efficiency").is_pillar


def test_grades_and_pillars_are_read_from_report_wording():
    assert Grade.from_label("Requires improvement") == Grade.REQUIRES_IMPROVEMENT
    assert Pillar.from_label("Legitimacy") == Pillar.LEGITIMACY
    with pytest.raises(ValueError):
        Grade.from_label("Excellent")
