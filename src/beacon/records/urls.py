from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.index, name="index"),
    path("retention/", views.retention_policies, name="retention"),
    path("retention/provider/", views.provider_retention, name="provider_retention"),
    path("holds/", views.hold_list, name="holds"),
    path("holds/<int:case_id>/", views.hold_detail, name="hold"),
    path("survivors/<int:survivor_id>/delete/", views.survivor_erase, name="survivor_erase"),
    path("exports/", views.export_page, name="exports"),
    path("exports/tips/", views.export_tips, name="export_tips"),
    path("exports/cases/", views.export_cases, name="export_cases"),
    path("exports/referrals/", views.export_referrals, name="export_referrals"),
    path("exports/audit/", views.export_audit, name="export_audit"),
]
