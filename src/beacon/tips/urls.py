from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:tip_id>/", views.detail, name="detail"),
    path("<int:tip_id>/contact/", views.contact, name="contact"),
    path("<int:tip_id>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:tip_id>/status/", views.set_status, name="status"),
    path("<int:tip_id>/priority/", views.set_priority, name="priority"),
    path("<int:tip_id>/assign/", views.assign, name="assign"),
    path("<int:tip_id>/ask/", views.ask, name="ask"),
    path("<int:tip_id>/spam/", views.mark_spam, name="spam"),
]
