"""``/staff/search/``: the one staff search (mounted beside the areas in ``beacon.urls``)."""

from django.urls import path

from . import views

app_name = "records_search"

urlpatterns = [path("", views.search_page, name="search")]
