"""Staff pages in the language a staff member chose: the header's switch, the saved choice, the cookie."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from beacon.core.models import AuditEvent, User
from tests.conftest import verify_client

pytestmark = pytest.mark.django_db


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([a-z-]+)"', html)
    assert match, html[:200]
    return match.group(1)


def test_signed_in_choice_is_saved_audited_and_follows_the_user_to_a_new_browser(staff_client: Any) -> None:
    client, user = staff_client("investigator")
    page = client.get("/staff/").content.decode()
    assert _lang(page) == "en" and 'name="language" value="es"' in page and ">Español<" in page

    response = client.post("/accounts/language/", {"language": "es", "next": "/staff/cases/"})
    assert response.status_code == 302 and response["Location"] == "/staff/cases/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es" and int(cookie["max-age"]) >= 300 * 24 * 3600  # outlives the browser session
    user.refresh_from_db()
    assert user.language == "es"
    event = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk), action="update").latest("at")
    assert "es" in event.summary

    # Another browser (no cookie, English Accept-Language): the saved choice still applies on staff pages.
    other = verify_client(Client(HTTP_ACCEPT_LANGUAGE="en-US"), User.objects.get(pk=user.pk))
    page = other.get("/staff/cases/").content.decode()
    assert _lang(page) == "es" and "Casos" in page and 'value="en"' in page and ">English<" in page
    # Public pages keep the language of their address.
    assert _lang(other.get("/report/").content.decode()) == "en"
    assert _lang(other.get("/es/report/").content.decode()) == "es"


def test_switch_back_to_english(staff_client: Any) -> None:
    client, user = staff_client("analyst")
    client.post("/accounts/language/", {"language": "es", "next": "/staff/"})
    assert _lang(client.get("/staff/").content.decode()) == "es"
    client.post("/accounts/language/", {"language": "en", "next": "/staff/"})
    user.refresh_from_db()
    assert user.language == "en" and _lang(client.get("/staff/").content.decode()) == "en"


def test_signed_out_choice_sets_only_the_cookie_and_the_sign_in_page_follows_it() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US")
    response = client.post("/accounts/language/", {"language": "es", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert _lang(page) == "es" and "Usuario" in page
    assert not AuditEvent.objects.filter(object_type="user", action="update").exists()


def test_spanish_browser_gets_spanish_staff_pages_without_choosing() -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get("/accounts/login/").content.decode()
    assert _lang(page) == "es"


def test_unknown_language_is_refused_with_a_message_and_changes_nothing(staff_client: Any) -> None:
    client, user = staff_client("advocate")
    response = client.post("/accounts/language/", {"language": "fr", "next": "/staff/"}, follow=True)
    assert "Choose English or Spanish." in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.client.cookies
    user.refresh_from_db()
    assert user.language == ""


def test_next_must_stay_on_this_site(staff_client: Any) -> None:
    client, _user = staff_client("viewer")
    response = client.post("/accounts/language/", {"language": "es", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/staff/"


def test_the_switch_is_a_post_form_only() -> None:
    assert Client().get("/accounts/language/").status_code == 405


def test_public_pages_have_no_staff_switch_and_set_no_cookie() -> None:
    for url in ("/", "/report/", "/es/report/"):
        response = Client().get(url)
        assert response.status_code == 200
        assert 'action="/accounts/language/"' not in response.content.decode()
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies and "sessionid" not in response.cookies
