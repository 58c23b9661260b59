from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/mfa/", views.mfa_view, name="mfa"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("staff/", views.dashboard, name="dashboard"),
    path("staff/audit/", views.audit_list, name="audit"),
    path("staff/users/", views.user_list, name="users"),
    path("healthz", views.healthz, name="healthz"),
]
