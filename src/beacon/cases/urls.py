from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_ack, name="alert_ack"),
    path("graph/", views.graph_view, name="graph"),
    path("reports/federal/", views.federal_report, name="federal_report"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/update/", views.update, name="update"),
    path("<int:case_id>/persons/", views.person_add, name="person_add"),
    path("<int:case_id>/identifiers/", views.identifier_add, name="identifier_add"),
    path("<int:case_id>/tasks/", views.task_add, name="task_add"),
    path("<int:case_id>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("<int:case_id>/timeline/", views.event_add, name="event_add"),
    path("<int:case_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:case_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:case_id>/agencies/", views.agency_add, name="agency_add"),
    path("<int:case_id>/agencies/<int:agency_id>/remove/", views.agency_remove, name="agency_remove"),
    path("<int:case_id>/grants/", views.grant_add, name="grant_add"),
    path("<int:case_id>/grants/<int:grant_id>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("<int:case_id>/link/", views.link, name="link"),
    path("<int:case_id>/export/", views.export, name="export"),
]
