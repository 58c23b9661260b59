from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("courses/", views.staff_courses, name="courses"),
    path("workshops/new/", views.staff_workshop_new, name="workshop_new"),
    path("workshops/<int:pk>/", views.staff_workshop, name="workshop"),
    path("workshops/<int:pk>/edit/", views.staff_workshop_edit, name="workshop_edit"),
    path("workshops/<int:pk>/cancel/", views.staff_workshop_cancel, name="workshop_cancel"),
    path("workshops/<int:pk>/attendance/", views.staff_attendance, name="attendance"),
    path("workshops/<int:pk>/registrations/<int:reg_id>/cancel/", views.staff_registration_cancel, name="registration_cancel"),
    path("coverage/", views.staff_coverage, name="coverage"),
    path("coverage.csv", views.staff_coverage_csv, name="coverage_csv"),
]
