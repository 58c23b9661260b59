from django.urls import path

from . import api

urlpatterns = [
    path("search/", api.Search.as_view(), name="records-search"),
    path("exports/tips/", api.ExportTips.as_view(), name="records-export-tips"),
    path("exports/cases/", api.ExportCases.as_view(), name="records-export-cases"),
    path("exports/referrals/", api.ExportReferrals.as_view(), name="records-export-referrals"),
    path("exports/audit/", api.ExportAudit.as_view(), name="records-export-audit"),
]
