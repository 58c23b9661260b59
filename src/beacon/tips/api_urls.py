from django.urls import path

from . import api

urlpatterns = [
    path("tips/", api.TipSubmit.as_view(), name="tips-submit"),
    path("tips/follow-up/", api.TipFollowup.as_view(), name="tips-followup"),
    path("tips/follow-up/messages/", api.TipFollowupMessage.as_view(), name="tips-followup-message"),
    path("tips/queue/", api.TipQueue.as_view(), name="tips-queue"),
    path("tips/queue/<int:tip_id>/", api.TipDetail.as_view(), name="tips-detail"),
    path("tips/queue/<int:tip_id>/contact/", api.TipContact.as_view(), name="tips-contact"),
    path("tips/queue/<int:tip_id>/photos/<int:photo_id>/", api.TipPhotoDownload.as_view(), name="tips-photo"),
    path("tips/queue/<int:tip_id>/status/", api.TipSetStatus.as_view(), name="tips-status"),
    path("tips/queue/<int:tip_id>/priority/", api.TipSetPriority.as_view(), name="tips-priority"),
    path("tips/queue/<int:tip_id>/assign/", api.TipAssign.as_view(), name="tips-assign"),
    path("tips/queue/<int:tip_id>/questions/", api.TipAsk.as_view(), name="tips-ask"),
    path("tips/queue/<int:tip_id>/spam/", api.TipSpam.as_view(), name="tips-spam"),
]
