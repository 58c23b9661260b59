from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("directory/", views.directory, name="directory"),
    path("directory/import/", views.directory_imports, name="directory_imports"),
    path("directory/import/<int:import_id>/", views.directory_import, name="directory_import"),
    path("directory/<str:org_id>/services/new/", views.service_edit, name="service_new"),
    path("directory/<str:org_id>/services/<str:service_id>/", views.service_edit, name="service_edit"),
    path("records/", views.survivor_list, name="survivors"),
    path("records/new/", views.survivor_new, name="survivor_new"),
    path("records/<int:survivor_id>/", views.survivor_detail, name="survivor"),
    path("records/<int:survivor_id>/edit/", views.survivor_edit, name="survivor_edit"),
    path("records/<int:survivor_id>/goals/", views.goal_add, name="goal_add"),
    path("records/<int:survivor_id>/goals/<int:goal_id>/", views.goal_status, name="goal_status"),
    path("records/<int:survivor_id>/received/", views.received_add, name="received_add"),
    path("records/<int:survivor_id>/consents/", views.consent_add, name="consent_add"),
    path("records/<int:survivor_id>/consents/<int:consent_id>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("records/<int:survivor_id>/refer/", views.referral_new, name="referral_new"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral"),
    path("referrals/<int:referral_id>/status/", views.referral_status, name="referral_status"),
]
