from django.contrib import admin

from .models import Agency, AuditEvent, County, TaskForce, User, UserRole


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("username", "agency", "is_active")
    search_fields = ("username", "email")
    inlines = (UserRoleInline,)
    exclude = ("password", "user_permissions", "groups")


admin.site.register(Agency)
admin.site.register(TaskForce)


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("fips", "name", "population_2020", "rucc_2023")
    exclude = ("geometry",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "summary")
    list_filter = ("action", "object_type")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
