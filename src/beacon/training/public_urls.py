from django.urls import path

from . import views

urlpatterns = [
    path("training/", views.public_catalog, name="catalog"),
    path("training/courses/<slug:slug>/", views.course_detail, name="course"),
    path("training/courses/<slug:slug>/modules/<int:position>/", views.module_detail, name="module"),
    path("training/courses/<slug:slug>/quiz/", views.quiz, name="quiz"),
    path("training/courses/<slug:slug>/certificate/", views.certificate_request, name="certificate_request"),
    path("training/certificates/<str:code>/", views.certificate_page, name="certificate"),
    path("training/certificates/<str:code>/pdf/", views.certificate_download, name="certificate_pdf"),
    path("training/verify/", views.verify, name="verify"),
    path("training/workshops/", views.workshop_list, name="workshops"),
    path("training/workshops/feed.ics", views.workshop_feed, name="feed"),
    path("training/workshops/<int:pk>/", views.workshop_detail, name="workshop"),
    path("training/workshops/<int:pk>/registered/", views.workshop_registered, name="registered"),
    path("training/cancel/<str:token>/", views.registration_cancel, name="cancel"),
    path("training/feedback/<str:token>/", views.feedback, name="feedback"),
]
