from django.urls import path

from . import views

urlpatterns = [
    path("report/", views.public_report, name="report"),
    path("report/receipt/", views.public_receipt, name="receipt"),
    path("report/follow-up/", views.public_followup, name="followup"),
]
