from django.urls import path

from . import api, api_sharing

urlpatterns = [
    path("cases/", api.CaseListCreate.as_view(), name="cases-list"),
    path("cases/graph/", api.LinkGraph.as_view(), name="cases-graph"),
    path("cases/alerts/", api.AlertList.as_view(), name="cases-alerts"),
    path("cases/alerts/<int:alert_id>/acknowledge/", api.AlertAcknowledge.as_view(), name="cases-alert-acknowledge"),
    path("cases/reports/federal/", api.FederalReport.as_view(), name="cases-federal-report"),
    path("cases/<int:case_id>/", api.CaseDetail.as_view(), name="cases-detail"),
    path("cases/<int:case_id>/identifiers/", api.CaseIdentifierCreate.as_view(), name="cases-identifiers"),
    path("cases/<int:case_id>/persons/", api.CasePersonCreate.as_view(), name="cases-persons"),
    path("cases/<int:case_id>/agencies/", api_sharing.CaseAgencies.as_view(), name="cases-agencies"),
    path("cases/<int:case_id>/agencies/<int:agency_id>/", api_sharing.CaseAgencyRemove.as_view(), name="cases-agency-remove"),
    path("cases/<int:case_id>/graph/", api.CaseGraph.as_view(), name="cases-case-graph"),
    path("cases/<int:case_id>/reads/", api.CaseReadLog.as_view(), name="cases-reads"),
]
