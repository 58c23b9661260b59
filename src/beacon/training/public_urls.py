from django.urls import path

from . import views

urlpatterns = [path("training/", views.public_catalog, name="catalog")]
