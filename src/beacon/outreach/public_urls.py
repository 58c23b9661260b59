from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.public_dashboard, name="dashboard"),
    path("awareness/", views.awareness, name="awareness"),
]
