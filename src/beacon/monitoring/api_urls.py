from django.urls import path

from . import api

urlpatterns = [
    path("ads/batches/", api.BatchCreate.as_view(), name="monitoring-batch-create"),
    path("ads/batches/<int:run_id>/", api.BatchDetail.as_view(), name="monitoring-batch-detail"),
    path("ads/operations/", api.OperationList.as_view(), name="monitoring-operation-list"),
    path("ads/operations/<int:operation_id>/", api.OperationDetail.as_view(), name="monitoring-operation-detail"),
    path("ads/identifier-links/", api.IdentifierLinks.as_view(), name="monitoring-identifier-links"),
]
