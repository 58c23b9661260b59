"""The Django admin, for superusers, read-only.

Every change to people, agencies, task forces and counties goes through Beacon's own pages
(``/staff/people/``, ``/staff/taskforces/``) and their services, which write the audit event in
the same transaction and send invitations; a change made here would bypass both.  The admin
stays a place to look (behind the same second factor, ``OTPAdminSite``)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Agency, AuditEvent, County, TaskForce, User, UserRole


class ReadOnly:
    """No add, change or delete: for model admins and inlines alike."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


class UserRoleInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "agency", "is_active")
    search_fields = ("username", "email")
    inlines = (UserRoleInline,)
    exclude = ("password", "user_permissions", "groups")


admin.site.register(Agency, ReadOnlyAdmin)
admin.site.register(TaskForce, ReadOnlyAdmin)


@admin.register(County)
class CountyAdmin(ReadOnlyAdmin):
    list_display = ("fips", "name", "population_2020", "rucc_2023")
    exclude = ("geometry",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "summary")
    list_filter = ("action", "object_type")
