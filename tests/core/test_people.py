"""People administration: invite, roles and agency, deactivate, password reset by e-mail, scope."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from beacon.core.models import AuditEvent, EnrolmentToken, Role, User
from tests.conftest import TEST_PASSWORD


def test_admin_invites_by_email(platform_admin: Any, agency_factory: Any, settings: Any,
                                django_capture_on_commit_callbacks: Any) -> None:
    settings.BEACON_BASE_URL = "https://beacon.example.org"
    client, admin = platform_admin
    agency = agency_factory()
    assert client.get(reverse("core:invite")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:invite"), {
            "username": "rosa", "email": "rosa@example.org", "first_name": "Rosa", "last_name": "Diaz",
            "agency": agency.pk, "roles": [Role.INVESTIGATOR, Role.ANALYST]})
    user = User.objects.get(username="rosa")
    assert response.status_code == 302 and response.url == reverse("core:person", args=[user.pk])
    assert not user.is_active and not user.has_usable_password() and user.agency == agency
    assert user.role_set() == {Role.INVESTIGATOR, Role.ANALYST}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rosa@example.org"]
    link = re.search(r"https://beacon\.example\.org/accounts/enrol/(\S+)/", mail.outbox[0].body)
    assert link is not None
    token = EnrolmentToken.objects.get(user=user)
    assert token.digest != link.group(1) and len(token.digest) == 64  # only a digest is stored
    assert AuditEvent.objects.filter(actor=admin, action="create", object_type="user", object_id=str(user.pk)).exists()


def test_links_in_queued_account_emails_are_not_readable_in_the_queue(
        platform_admin: Any, agency_factory: Any, user_factory: Any, settings: Any, monkeypatch: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """The task queue stores a task's arguments in the database (and its backups) and keeps them
    after the task ran: the one-time link of an invitation, MFA reset or password reset must not
    be readable there, only in the e-mail."""
    from beacon.core import services_people, tasks

    settings.BEACON_BASE_URL = "https://beacon.example.org"
    _client, admin = platform_admin
    queued: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    class Recorder:
        @staticmethod
        def enqueue(*args: Any, **kwargs: Any) -> None:
            queued.append((args, kwargs))

    monkeypatch.setattr(tasks, "send_account_email", Recorder)
    member = user_factory("viewer")
    with django_capture_on_commit_callbacks(execute=True):
        services_people.user_invite(username="rosa", email="rosa@example.org", agency=agency_factory(),
                                    roles=[Role.ANALYST], acting_user=admin)
        services_people.user_reset_mfa(user=member, acting_user=admin)
        services_people.user_send_password_reset(user=member, acting_user=admin)
    assert len(queued) == 3
    monkeypatch.undo()
    for args, kwargs in queued:
        stored = repr((args, kwargs))
        assert "https://beacon.example.org/" not in stored and "accounts/" not in stored
        tasks.send_account_email.call(*args, **kwargs)  # what the worker does with the stored arguments
    assert len(mail.outbox) == 3
    assert all("https://beacon.example.org/accounts/" in m.body for m in mail.outbox)
    assert [m.to for m in mail.outbox] == [["rosa@example.org"], [member.email], [member.email]]


def test_invite_refuses_bad_input_and_creates_nothing(platform_admin: Any, user_factory: Any) -> None:
    client, _ = platform_admin
    existing = user_factory("viewer")
    before = User.objects.count()
    taken = client.post(reverse("core:invite"), {"username": existing.username, "email": "new@example.org",
                                                 "roles": [Role.VIEWER]})
    assert taken.status_code == 200 and b"already exists" in taken.content
    no_role = client.post(reverse("core:invite"), {"username": "fresh", "email": "fresh@example.org"})
    assert no_role.status_code == 200 and b"This field is required" in no_role.content
    same_mail = client.post(reverse("core:invite"), {"username": "fresh", "email": existing.email,
                                                     "roles": [Role.VIEWER]})
    assert b"already uses this e-mail" in same_mail.content
    assert User.objects.count() == before


def test_admin_edits_roles_and_agency(platform_admin: Any, user_factory: Any, agency_factory: Any) -> None:
    client, admin = platform_admin
    target = user_factory("viewer")
    other = agency_factory()
    page = client.get(reverse("core:person", args=[target.pk]))
    assert page.status_code == 200 and target.username.encode() in page.content
    response = client.post(reverse("core:person", args=[target.pk]), {
        "email": target.email, "agency": other.pk, "roles": [Role.SUPERVISOR]})
    assert response.status_code == 302
    target = User.objects.get(pk=target.pk)
    assert target.agency == other and target.role_set() == {Role.SUPERVISOR}
    event = AuditEvent.objects.filter(actor=admin, action="update", object_id=str(target.pk)).get()
    assert event.detail["changed"]["roles"] == [["viewer"], ["supervisor"]]


def test_deactivation_ends_sessions_and_tokens_at_once(platform_admin: Any, staff_client: Any,
                                                       api_client_for: Any, user_factory: Any) -> None:
    target = user_factory("investigator")
    browser, _ = staff_client(user=target)
    api, _ = api_client_for(user=target)
    assert browser.get(reverse("core:dashboard")).status_code == 200
    assert api.get("/api/v1/cases/").status_code == 200
    client, admin = platform_admin
    response = client.post(reverse("core:person_deactivate", args=[target.pk]))
    assert response.status_code == 302
    assert browser.get(reverse("core:dashboard")).status_code == 302  # back to sign-in
    assert api.get("/api/v1/cases/").status_code in (401, 403)
    assert not Token.objects.filter(user=target).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(target.pk)]
    assert not User.objects.get(pk=target.pk).is_active
    event = AuditEvent.objects.get(actor=admin, object_id=str(target.pk), summary__startswith="deactivated")
    assert event.detail == {"sessions": 1, "api_tokens": 1}
    # Signing in again is refused.
    assert Client().post(reverse("core:login"), {"username": target.username, "password": TEST_PASSWORD}).status_code == 200
    # And it can be undone.
    client.post(reverse("core:person_reactivate", args=[target.pk]))
    assert User.objects.get(pk=target.pk).is_active


def test_admin_cannot_deactivate_themselves(platform_admin: Any) -> None:
    client, admin = platform_admin
    client.post(reverse("core:person_deactivate", args=[admin.pk]))
    assert User.objects.get(pk=admin.pk).is_active
    assert client.get(reverse("core:users")).status_code == 200


def test_password_reset_by_email(platform_admin: Any, user_factory: Any, settings: Any,
                                 django_capture_on_commit_callbacks: Any) -> None:
    settings.BEACON_BASE_URL = "https://beacon.example.org"
    client, admin = platform_admin
    target = user_factory("viewer")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:person_password_reset", args=[target.pk]))
    assert AuditEvent.objects.filter(actor=admin, object_id=str(target.pk), summary__contains="password reset").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [target.email]
    url = re.search(r"https://beacon\.example\.org(/accounts/reset/\S+)", mail.outbox[0].body)
    assert url is not None
    anon = Client()
    form = anon.get(url.group(1), follow=True)
    assert form.status_code == 200 and b"Choose a new password" in form.content
    done = anon.post(form.redirect_chain[-1][0], {"new_password1": "Quartz-Meadow-Falcon-8",
                                                  "new_password2": "Quartz-Meadow-Falcon-8"})
    assert done.status_code == 302
    assert User.objects.get(pk=target.pk).check_password("Quartz-Meadow-Falcon-8")
    assert AuditEvent.objects.filter(actor=target, summary__contains="reset link").exists()
    # The link works once.
    again = anon.get(url.group(1), follow=True)
    assert b"no longer works" in again.content


def test_self_service_password_reset_page(user_factory: Any, settings: Any,
                                         django_capture_on_commit_callbacks: Any) -> None:
    settings.BEACON_BASE_URL = "https://beacon.example.org"
    user = user_factory("viewer")
    client = Client()
    assert b"Forgot your password?" in client.get(reverse("core:login")).content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core_public:password_reset"), {"email": user.email})
        # Not sent during the request (its timing would tell that the address has an account): queued.
        assert mail.outbox == []
    assert response.status_code == 302 and response.url == reverse("core_public:password_reset_done")
    assert len(mail.outbox) == 1 and "https://beacon.example.org/accounts/reset/" in mail.outbox[0].body
    # An unknown address gets the same answer and no e-mail.
    assert client.post(reverse("core_public:password_reset"), {"email": "nobody@example.org"}).status_code == 302
    assert len(mail.outbox) == 1


def test_password_reset_in_spanish(user_factory: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.BEACON_BASE_URL = "https://beacon.example.org"
    user = user_factory("viewer")
    client = Client()
    page = client.get("/es/accounts/password-reset/")
    assert page.status_code == 200 and "Restablecer su contraseña" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/es/accounts/password-reset/", {"email": user.email})
    assert response.status_code == 302 and response.url == "/es/accounts/password-reset/sent/"
    assert "Revise su correo" in client.get(response.url).content.decode()
    body = mail.outbox[0].body
    assert "Abra este enlace" in body and "https://beacon.example.org/es/accounts/reset/" in body


def test_regional_admin_sees_only_their_scope(mo: Any, staff_client: Any, agency_factory: Any,
                                              user_factory: Any) -> None:
    kc = agency_factory(task_force="kansas-city")
    kc_partner = agency_factory(task_force="kansas-city")
    stl = agency_factory(task_force="st-louis")
    client, admin = staff_client("admin", agency=kc)
    partner_user = user_factory("viewer", agency=kc_partner, username="kc_partner_user")
    stl_user = user_factory("viewer", agency=stl, username="stl_user")
    listing = client.get(reverse("core:users")).content
    assert b"kc_partner_user" in listing and b"stl_user" not in listing
    assert client.get(reverse("core:person", args=[partner_user.pk])).status_code == 200
    assert client.get(reverse("core:person", args=[stl_user.pk])).status_code == 404
    assert client.post(reverse("core:person_deactivate", args=[stl_user.pk])).status_code == 404
    assert User.objects.get(pk=stl_user.pk).is_active
    assert AuditEvent.objects.filter(actor=admin, action="denied", object_type="user",
                                     object_id=str(stl_user.pk)).count() == 2
    # The invitation form offers only agencies in scope.
    form = client.get(reverse("core:invite")).content.decode()
    assert kc_partner.name in form and stl.name not in form


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_people_pages_refuse_non_admins(role: str, staff_client: Any, user_factory: Any) -> None:
    client, user = staff_client(role)
    target = user_factory("viewer")
    for name, args, method in [("core:users", [], "get"), ("core:invite", [], "get"),
                               ("core:person", [target.pk], "get"),
                               ("core:person_deactivate", [target.pk], "post"),
                               ("core:person_mfa_reset", [target.pk], "post"),
                               ("core:person_password_reset", [target.pk], "post")]:
        assert getattr(client, method)(reverse(name, args=args)).status_code == 403, name
    assert User.objects.get(pk=target.pk).is_active
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 6


def test_people_list_queries_do_not_grow_with_users(platform_admin: Any, user_factory: Any,
                                                     django_assert_max_num_queries: Any) -> None:
    client, _ = platform_admin
    for _ in range(15):
        user_factory("viewer")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("core:users")).status_code == 200
