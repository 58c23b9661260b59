from django.urls import path

from . import api_views

urlpatterns = [
    path("counties/", api_views.CountyList.as_view(), name="county-list"),
    path("counties/resolve/", api_views.CountyResolve.as_view(), name="county-resolve"),
    path("counties/<str:fips>/", api_views.CountyDetail.as_view(), name="county-detail"),
    path("audit/", api_views.AuditEventList.as_view(), name="audit-list"),
    path("me/", api_views.Me.as_view(), name="me"),
]
