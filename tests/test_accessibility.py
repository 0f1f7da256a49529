"""GOV.UK accessibility patterns the templates promise: error summaries that move focus to
the field at fault, "Error: " in the title, field-level errors, labelled scroll regions."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _title(response):
    return re.search(r"<title>(.*?)</title>", response.text, re.S).group(1).strip()


def _summary_links(html):
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S).group(0)
    return re.findall(r'<a href="#([^"]*)">', summary)


class _Form(forms.Form):
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect)
    note = forms.CharField()
    version = forms.IntegerField(widget=forms.HiddenInput)


def test_an_error_about_the_whole_form_links_to_its_first_radio():
    form = _Form({"colour": "red", "note": "x", "version": "1"})
    form.is_valid()
    form.add_error(None, "Someone changed this while you were editing it.")
    assert _summary_links(render_to_string("ui/_error_summary.html", {"form": form})) == [
        "id_colour_1"
    ]


def test_a_radio_error_links_to_the_first_radio_and_a_hidden_field_error_is_named():
    form = _Form({"note": "x", "version": "abc"})
    html = render_to_string("ui/_error_summary.html", {"form": form})
    assert _summary_links(html) == ["id_colour_1", "id_colour_1"]
    assert "Version: Enter a whole number." in html


def test_a_date_error_links_to_the_day_box(client, coordinator, finding):
    client.force_login(coordinator)
    response = client.post(reverse("actions:create", args=[finding.pk]), {"title": "Vet"})
    assert _title(response).startswith("Error: Raise an action: ")
    links = _summary_links(response.text)
    assert "id_due_date_0" in links
    assert "id_priority_1" in links


def test_a_refused_change_is_announced_as_an_error(client, coordinator, finding, action):
    client.force_login(coordinator)
    response = client.post(
        reverse("governance:oversight", args=[finding.pk]),
        {"form": "inspectorate", "status": "awaiting_review", "note": ""},
        follow=True,
    )
    assert _title(response).startswith("Error: ")
    assert 'class="govuk-error-summary" data-module="govuk-error-summary"' in response.text
    assert '<div role="alert">' in response.text
    assert "Important" not in response.text


def test_filters_that_make_no_sense_get_an_error_summary(client, owner, action):
    client.force_login(owner)
    response = client.get(reverse("actions:list"), {"status": "nonsense"})
    assert _title(response) == "Error: All actions – PEELtrack"
    assert _summary_links(response.text) == ["id_status_1"]
    assert "Correct the filters to see actions." in response.text


def test_a_wrong_report_date_is_summarised_and_linked_to_its_box(client, owner, inspection):
    client.force_login(owner)
    response = client.get(reverse("exports:report", args=[inspection.pk]), {"since": "soon"})
    assert _title(response).startswith("Error: Progress report: ")
    assert _summary_links(response.text) == ["since"]


def test_a_wrong_password_is_shown_at_the_field(client, owner):
    response = client.post(reverse("account_login"), {"login": owner.username, "password": "wrong"})
    assert _title(response) == "Error: Sign in to PEELtrack – PEELtrack"
    assert _summary_links(response.text) == ["id_login"]
    assert 'id="login-error" class="govuk-error-message"' in response.text
    assert 'govuk-input--error" id="id_login"' in response.text
    assert 'aria-describedby="login-error"' in response.text
    # Both boxes are marked: either may be wrong, and we do not say which.
    assert "govuk-password-input__input govuk-js-password-input-input govuk-input--error" in (
        response.text
    )


def test_a_blank_password_is_asked_for_at_the_password_box(client, owner):
    response = client.post(reverse("account_login"), {"login": owner.username, "password": ""})
    assert _summary_links(response.text) == ["id_password"]
    assert "Enter your password" in response.text


def test_wide_tables_scroll_in_a_labelled_focusable_region(client, owner, action):
    client.force_login(owner)
    response = client.get(reverse("actions:list"))
    assert (
        '<div class="app-table-scroll" role="region" aria-label="All actions" tabindex="0">'
        in response.text
    )


def test_page_titles_name_the_action(client, owner, action):
    client.force_login(owner)
    response = client.get(reverse("actions:update", args=[action.pk]))
    assert _title(response) == f"Post an update: {action.title} – PEELtrack"
