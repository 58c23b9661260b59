from django.urls import path

from . import api

urlpatterns = [
    path("services/search/", api.ServiceSearch.as_view(), name="survivors-search"),
    path("survivors/", api.SurvivorList.as_view(), name="survivors-list"),
    path("survivors/<int:survivor_id>/", api.SurvivorDetail.as_view(), name="survivors-detail"),
    path("survivors/<int:survivor_id>/consents/", api.ConsentCreate.as_view(), name="survivors-consent-create"),
    path("survivors/consents/<int:consent_id>/revoke/", api.ConsentRevoke.as_view(), name="survivors-consent-revoke"),
    path("referrals/", api.ReferralList.as_view(), name="survivors-referrals"),
    path("referrals/<int:referral_id>/", api.ReferralDetail.as_view(), name="survivors-referral"),
    path("referrals/<int:referral_id>/status/", api.ReferralStatus.as_view(), name="survivors-referral-status"),
]
