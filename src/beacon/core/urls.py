from django.urls import path

from . import views, views_people, views_taskforces

app_name = "core"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/mfa/", views.mfa_view, name="mfa"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/language/", views.language_view, name="language"),
    path("staff/", views.dashboard, name="dashboard"),
    path("staff/audit/", views.audit_list, name="audit"),
    path("staff/people/", views_people.people, name="users"),
    path("staff/people/invite/", views_people.invite, name="invite"),
    path("staff/people/<int:user_id>/", views_people.person, name="person"),
    path("staff/people/<int:user_id>/deactivate/", views_people.deactivate, name="person_deactivate"),
    path("staff/people/<int:user_id>/reactivate/", views_people.reactivate, name="person_reactivate"),
    path("staff/people/<int:user_id>/password-reset/", views_people.password_reset, name="person_password_reset"),
    path("staff/people/<int:user_id>/mfa-reset/", views_people.mfa_reset, name="person_mfa_reset"),
    path("staff/people/<int:user_id>/resend-invite/", views_people.resend_invite, name="person_resend_invite"),
    path("staff/taskforces/", views_taskforces.index, name="taskforces"),
    path("staff/taskforces/new/", views_taskforces.create, name="taskforce_create"),
    path("staff/taskforces/agencies/new/", views_taskforces.agency_create, name="agency_create"),
    path("staff/taskforces/agencies/<int:agency_id>/", views_taskforces.agency_edit, name="agency_edit"),
    path("staff/taskforces/<slug:slug>/", views_taskforces.detail, name="taskforce"),
    path("healthz", views.healthz, name="healthz"),
]
