"""Security headers and what the pages load: Content-Security-Policy and Permissions-Policy on
every page, no inline script, event handler or style attribute in any template, the CSRF
cookie only where a form is shown (and for the browser session only), no-store on the tip
receipt and follow-up answers, and only the JavaScript a page needs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from rest_framework.test import APIClient

from beacon.core.headers import SecurityHeadersMiddleware, allow_features, content_security_policy
from beacon.tips import services as tip_services
from beacon.tips.services import TipInput

SRC = Path(__file__).resolve().parents[2] / "src" / "beacon"
TEMPLATES = sorted(p for p in SRC.rglob("templates/**/*.html"))

PUBLIC_PAGES = ["/", "/report/", "/es/report/", "/report/follow-up/", "/services/", "/dashboard/", "/training/",
                "/accounts/login/"]


def _directives(header: str) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1] for part in header.split(";") if part.strip()}


# --- Content-Security-Policy and Permissions-Policy ----------------------------------------
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_sends_a_strict_csp(mo: Any, client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    csp = _directives(response["Content-Security-Policy"])
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # no 'unsafe-inline', no nonce: no page needs one
    assert "unsafe" not in response["Content-Security-Policy"]
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'self'" and csp["form-action"] == "'self'"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_staff_pages_api_and_errors_send_the_policy_too(mo: Any, staff_client: Any) -> None:
    client, _ = staff_client("analyst")
    for url in ("/staff/", "/staff/tips/", "/api/v1/counties/", "/no-such-page/"):
        response = client.get(url)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert "camera=()" in response["Permissions-Policy"], url


def test_geolocation_is_allowed_only_on_the_tip_form(mo: Any, client: Client) -> None:
    for url in ("/report/", "/es/report/"):
        assert "geolocation=(self)" in client.get(url)["Permissions-Policy"]
    for url in ("/", "/services/", "/report/follow-up/", "/dashboard/"):
        assert "geolocation=()" in client.get(url)["Permissions-Policy"], url


def test_a_nonce_is_added_only_when_a_page_uses_it(rf: Any) -> None:
    from django.http import HttpResponse

    def uses(request: Any) -> HttpResponse:
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    def ignores(request: Any) -> HttpResponse:
        return HttpResponse("<p>no script</p>")

    response = SecurityHeadersMiddleware(uses)(rf.get("/"))
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)  # type: ignore[union-attr]
    assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]
    other = SecurityHeadersMiddleware(uses)(rf.get("/"))
    assert other["Content-Security-Policy"] != response["Content-Security-Policy"]  # one per request
    assert SecurityHeadersMiddleware(ignores)(rf.get("/"))["Content-Security-Policy"] == content_security_policy()


def test_allow_features_refuses_unknown_names() -> None:
    with pytest.raises(ValueError, match="teleport"):
        allow_features("teleport")


# --- Templates: nothing inline ---------------------------------------------------------------
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
STYLE = re.compile(r"""\sstyle\s*=\s*["']|<style""", re.I)


def test_templates_have_no_inline_script_handler_or_style() -> None:
    assert len(TEMPLATES) > 50
    found = []
    for template in TEMPLATES:
        text = template.read_text()
        for name, pattern in (("inline script", INLINE_SCRIPT), ("event handler", EVENT_HANDLER), ("style", STYLE)):
            found += [f"{template.relative_to(SRC)}: {name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert found == []


def test_htmx_and_cytoscape_are_loaded_only_where_used(mo: Any, staff_client: Any) -> None:
    loaders: dict[str, list[str]] = {"vendor/htmx/": [], "vendor/cytoscape/": []}
    for template in TEMPLATES:
        text = template.read_text()
        if re.search(r"\shx-[a-z-]+=", text):  # a page that uses htmx loads it itself
            # a partial (``_name.html``) is fine when every page that includes it loads htmx
            name = template.parent.name + "/" + template.name
            pages = [t for t in TEMPLATES if name in t.read_text()] if template.name.startswith("_") else [template]
            assert pages and all("core/_htmx.html" in t.read_text() for t in pages), template
        for script in loaders:
            if script in text:
                loaders[script].append(str(template.relative_to(SRC)))
    assert loaders == {"vendor/htmx/": ["core/templates/core/_htmx.html"],
                       "vendor/cytoscape/": ["cases/templates/cases/graph.html"]}
    client, _ = staff_client("analyst")
    for url in ("/", "/report/", "/staff/", "/staff/tips/"):
        html = client.get(url).content.decode()
        assert "htmx.min.js" not in html and "cytoscape" not in html, url


# --- CSRF cookie -----------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/", "/dashboard/", "/services/", "/es/", "/training/"])
def test_pages_without_a_form_set_no_csrf_cookie(mo: Any, client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert "csrftoken" not in response.cookies


def test_the_tip_form_sets_a_session_csrf_cookie(mo: Any, client: Client) -> None:
    response = client.get("/report/")
    cookie = response.cookies["csrftoken"]
    assert cookie.value
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes


def test_the_language_switch_is_a_link_to_the_same_page(mo: Any, client: Client) -> None:
    html = client.get("/report/").content.decode()
    assert re.search(r'<a [^>]*href="/es/report/"[^>]*hreflang="es"', html)
    assert 'href="/report/"' in client.get("/es/report/").content.decode()
    assert 'href="/es/services/?q=food"' in client.get("/services/?q=food").content.decode()


# --- No-store on the tip receipt and follow-up -------------------------------------------------
def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def _tip() -> tuple[str, str]:
    submitted = tip_services.tip_submit(data=TipInput(narrative="A van drops workers at the motel every night.",
                                                      county_fips="29095"))
    return submitted.receipt_code, submitted.passphrase


def test_receipt_and_followup_pages_are_not_stored(mo: Any, client: Client) -> None:
    receipt = client.post("/report/", {"narrative": "Workers are locked in at night behind the restaurant on Main.",
                                       "danger": "no", "minor": "no", "situation": "labor", "place_text": "Kansas City",
                                       "county": "29095", "lat": "", "lon": "", "language": "en", "website": ""},
                          follow=True)
    assert receipt.status_code == 200 and receipt.redirect_chain == [("/report/receipt/", 302)]
    assert "passphrase" in receipt.content.decode().lower()
    assert _no_store(receipt)
    assert _no_store(client.get("/report/"))
    assert _no_store(client.get("/report/follow-up/"))
    code, passphrase = _tip()
    status = client.post("/report/follow-up/", {"receipt_code": code, "passphrase": passphrase})
    assert status.status_code == 200 and _no_store(status)
    assert _no_store(client.post("/es/report/follow-up/", {"receipt_code": code, "passphrase": "wrong words here"}))


def test_tip_api_answers_are_not_stored(mo: Any) -> None:
    api = APIClient()
    submitted = api.post("/api/v1/tips/", {"narrative": "A van drops workers at the motel every night.",
                                           "county": "29095"}, format="json")
    assert submitted.status_code == 201 and _no_store(submitted)
    code, passphrase = submitted.json()["receipt_code"], submitted.json()["passphrase"]
    followup = api.post("/api/v1/tips/follow-up/", {"receipt_code": code, "passphrase": passphrase}, format="json")
    assert followup.status_code == 200 and _no_store(followup)
    added = api.post("/api/v1/tips/follow-up/messages/", {"receipt_code": code, "passphrase": passphrase,
                                                          "body": "The van is white."}, format="json")
    assert added.status_code == 201 and _no_store(added)
    refused = api.post("/api/v1/tips/follow-up/", {"receipt_code": code, "passphrase": "not it"}, format="json")
    assert refused.status_code >= 400 and _no_store(refused)


# --- Static files ----------------------------------------------------------------------------
def test_collectstatic_with_the_production_manifest_storage(tmp_path: Path) -> None:
    """The production storage (hashed names, compressed copies) accepts every static file."""
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
    names = {p.name for p in (tmp_path / "vendor" / "uswds" / "css").iterdir()}
    assert any(re.fullmatch(r"uswds\.min\.[0-9a-f]{12}\.css\.gz", n) for n in names), names
    assert (tmp_path / "staticfiles.json").exists()


def test_vendored_files_name_no_missing_source_map() -> None:
    for f in (SRC / "static" / "vendor").rglob("*"):
        if f.suffix in {".css", ".js"}:
            assert "sourceMappingURL" not in f.read_text(errors="replace"), f


def test_the_development_server_serves_static_through_whitenoise() -> None:
    from django.core.management import get_commands

    assert get_commands()["runserver"] == "whitenoise.runserver_nostatic"


