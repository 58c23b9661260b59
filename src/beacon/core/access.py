"""The doors: view decorators and DRF permissions built on ``permissions.Perm``.

A refused signed-in user gets 403 and a ``denied`` audit event; object-level doors
(``access_case`` and friends) raise ``AccessDenied`` which becomes a 404, also audited.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from . import audit
from .permissions import Perm, has_perm


class AccessDenied(Http404):
    """An object the user may not see: answered as 'not found' so its existence is not revealed."""


def deny(
    request: HttpRequest | Request | None, *, object_type: str, object_id: Any = "", reason: str = "", user: Any = None
) -> None:
    """Record a ``denied`` audit event by ``user`` (default: the request's user); the request is optional."""
    audit.record(
        actor=user if user is not None or request is None else request.user,
        action=audit.Action.DENIED,
        object_type=object_type,
        object_id=object_id,
        summary=reason or (f"{request.method} {request.path}" if request is not None else ""),
        request=request,  # type: ignore[arg-type]
    )


def is_verified(user: Any) -> bool:
    """Signed in with a second factor (TOTP) in this session."""
    verified = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and callable(verified) and verified())


def require_perm(*perms: Perm) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a staff view: sign-in with MFA, then every listed permission."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_verified(user):
                return redirect("core:mfa")
            missing = [p for p in perms if not has_perm(user, p)]
            if missing:
                deny(request, object_type="view", object_id=request.resolver_match.view_name if request.resolver_match else "",
                     reason=f"missing {', '.join(missing)}")
                return render(request, "core/403.html", {"missing": missing}, status=403)
            return view(request, *args, **kwargs)

        wrapped.required_perms = perms  # type: ignore[attr-defined]
        return wrapped

    return decorator


class PermissionRequired(BasePermission):
    """DRF: ``permission_classes = [PermissionRequired.of(Perm.X)]``."""

    perms: tuple[Perm, ...] = ()

    @classmethod
    def of(cls, *perms: Perm) -> type[PermissionRequired]:
        return type(f"PermissionRequired_{'_'.join(p.name for p in perms)}", (cls,), {"perms": perms})

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if all(has_perm(user, p) for p in self.perms):
            return True
        deny(request, object_type="api", object_id=type(view).__name__, reason=f"missing {', '.join(self.perms)}")
        return False


def access_managed_user(user: Any, user_id: Any, *, request: HttpRequest | None = None) -> Any:
    """The door to a staff account for its administrator: in their scope, else ``denied`` and 404."""
    from .selectors import users_in_scope

    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        pk = None
    target = users_in_scope(user=user).filter(pk=pk).first() if pk is not None else None
    if target is None:
        deny(request, object_type="user", object_id=user_id, reason="account outside this administrator's scope", user=user)
        raise AccessDenied("Not found.")
    return target
