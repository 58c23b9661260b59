from django.urls import path

from . import views

urlpatterns = [path("services/", views.public_search, name="search")]
