from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_gap_csv, name="export"),
    path("county/<str:fips>/", views.county, name="county"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/progress.csv", views.campaign_csv, name="campaign_csv"),
    path("campaigns/<int:campaign_id>/activities/", views.activity_add, name="activity_add"),
    path("campaigns/<int:campaign_id>/materials/", views.material_add, name="material_add"),
    path("activities/<int:activity_id>/deliver/", views.activity_deliver, name="activity_deliver"),
]
