"""Shared fixtures: Missouri geography loaded once, users of each role, MFA-verified clients."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from beacon.core.models import Agency, County, User
from beacon.core.services import token_create, totp_device_for, user_create

TEST_PASSWORD = "Correct-Horse-Battery-9"

# No per-example deadline: CI machines are shared, and a slow moment is not a failure.
hypothesis_settings.register_profile("beacon", deadline=None)
hypothesis_settings.load_profile("beacon")


def _flushes_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return item.get_closest_marker("browser") is not None or bool(marker and marker.kwargs.get("transaction"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Transactional tests (browser tests among them) run last: their database is flushed
    # after each one, which also empties the geography the session loaded.
    items.sort(key=_flushes_database)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request to an /es/ page leaves Spanish active in the thread; each test starts in English.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_window_keys() -> Iterator[None]:
    # Rate-limit window keys are cached in process memory; the test database is rolled back.
    from beacon.core import ratelimit

    ratelimit.forget_keys()
    yield
    ratelimit.forget_keys()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from beacon.core.geo import load_geography
    from beacon.core.seed import seed_task_forces

    with django_db_blocker.unblock():
        load_geography()
        seed_task_forces()


@pytest.fixture
def mo(db: Any) -> None:
    """Missouri geography and task forces (reloaded after a transactional test flushed them)."""
    if not County.objects.exists():
        from beacon.core.geo import load_geography
        from beacon.core.seed import seed_task_forces

        load_geography()
        seed_task_forces()


@pytest.fixture
def agency_factory(db: Any) -> Callable[..., Agency]:
    counter = {"n": 0}

    def make(kind: str = "law_enforcement", name: str | None = None, county: str | None = None, task_force: str | None = None) -> Agency:
        counter["n"] += 1
        agency = Agency.objects.create(name=name or f"Test agency {counter['n']} ({kind})", kind=kind, county_id=county,
                                       contact_email=f"agency{counter['n']}@example.org")
        if task_force:
            from beacon.core.models import TaskForce

            TaskForce.objects.get(slug=task_force).agencies.add(agency)
        return agency

    return make


@pytest.fixture
def user_factory(db: Any, agency_factory: Callable[..., Agency]) -> Callable[..., User]:
    counter = {"n": 0}

    def make(*roles: str, agency: Agency | None = None, username: str | None = None, kind: str = "law_enforcement") -> User:
        counter["n"] += 1
        return user_create(
            username=username or f"{'_'.join(roles) or 'norole'}{counter['n']}",
            password=TEST_PASSWORD,
            agency=agency or agency_factory(kind=kind),
            roles=roles,
            email=f"user{counter['n']}@example.org",
            validate=False,
        )

    return make


def verify_client(client: Client, user: User) -> Client:
    """Sign the client in as ``user`` with a verified second factor (as after the TOTP step)."""
    device = totp_device_for(user)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def staff_client(db: Any, user_factory: Callable[..., User]) -> Callable[..., tuple[Client, User]]:
    def make(*roles: str, user: User | None = None, **kwargs: Any) -> tuple[Client, User]:
        u = user or user_factory(*roles, **kwargs)
        return verify_client(Client(), u), u

    return make


@pytest.fixture
def api_client_for(db: Any, user_factory: Callable[..., User]) -> Callable[..., tuple[APIClient, User]]:
    def make(*roles: str, user: User | None = None, **kwargs: Any) -> tuple[APIClient, User]:
        u = user or user_factory(*roles, **kwargs)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=u)}")
        return client, u

    return make


# --- Browser ------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (make test installs Debian's chromium where it can)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def current_totp(user: User) -> str:
    from django_otp.oath import totp

    device = totp_device_for(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def browser_login(page: Any, base_url: str, user: User, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real pages: password, then the current TOTP code (of an enrolled device)."""
    totp_device_for(user)  # enrolled beforehand, as after the one-time enrolment link
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("6-digit code from your authenticator app").fill(current_totp(user))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{base_url}/staff/**")
