from django.urls import path

from . import api

urlpatterns = [
    path("training/courses/", api.CourseList.as_view(), name="training-courses"),
    path("training/workshops/", api.WorkshopList.as_view(), name="training-workshops"),
    path("training/workshops/<int:pk>/registrations/", api.WorkshopRegistrations.as_view(),
         name="training-workshop-registrations"),
    path("training/certificates/<str:code>/", api.CertificateVerify.as_view(), name="training-certificate-verify"),
    path("training/coverage/", api.Coverage.as_view(), name="training-coverage"),
]
