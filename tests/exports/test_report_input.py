"""The progress report holds whatever the records hold: unowned actions, long text, Unicode."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import ActionFactory, DecisionFactory

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_an_action_with_no_owner_is_reported_as_nobodys(client, auditor, inspection, finding):
    ActionFactory(
        finding=finding,
        owner=None,
        title="Unowned work",
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    client.force_login(auditor)
    page = client.get(reverse("exports:report", args=[inspection.pk]))
    assert page.status_code == 200
    assert "Unowned work" in page.text and "Nobody" in page.text
    pdf = client.get(reverse("exports:report_pdf", args=[inspection.pk]))
    assert pdf.status_code == 200
    assert "Nobody" in _pdf_text(pdf)


def test_the_pdf_prints_unicode_as_written(client, auditor, inspection, finding, coordinator):
    action = ActionFactory(finding=finding, title="Vetting “backlog” – phase 2 — for Llŷr")
    DecisionFactory(action=action, decided_by=coordinator, rationale="Signed off by Łukasz’s board")
    client.force_login(auditor)
    text = _pdf_text(client.get(reverse("exports:report_pdf", args=[inspection.pk])))
    assert "Vetting “backlog” – phase 2 — for Llŷr" in text
    assert "Łukasz’s" in text


def test_a_4000_character_rationale_wraps_across_pages(
    client, auditor, inspection, finding, coordinator
):
    action = ActionFactory(finding=finding, title="Long decision")
    words = " ".join(f"word{n}" for n in range(700))
    rationale = (words + " END-OF-RATIONALE")[-4000:]
    assert len(rationale) == 4000
    DecisionFactory(action=action, decided_by=coordinator, rationale=rationale)
    client.force_login(auditor)
    response = client.get(reverse("exports:report_pdf", args=[inspection.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "END-OF-RATIONALE" in text and "word699" in text
    assert len(reader.pages) >= 2
