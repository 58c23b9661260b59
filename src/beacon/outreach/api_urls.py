from django.urls import path

from . import api

urlpatterns = [
    path("outreach/counties/", api.CountyMetricsList.as_view(), name="outreach-county-metrics"),
    path("outreach/campaigns/", api.CampaignListCreate.as_view(), name="outreach-campaign-list"),
    path("outreach/campaigns/<int:campaign_id>/", api.CampaignDetail.as_view(), name="outreach-campaign-detail"),
    path("outreach/campaigns/<int:campaign_id>/activities/", api.ActivityCreate.as_view(),
         name="outreach-activity-create"),
    path("outreach/activities/<int:activity_id>/deliver/", api.ActivityDeliver.as_view(),
         name="outreach-activity-deliver"),
    path("outreach/public/dashboard/", api.PublicDashboard.as_view(), name="outreach-public-dashboard"),
]
