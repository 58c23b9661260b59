"""The records app has no public pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
