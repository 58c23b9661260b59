from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("operations/<int:operation_id>/", views.operation, name="operation"),
    path("operations/<int:operation_id>/decide/", views.decide, name="decide"),
    path("operations/<int:operation_id>/mark/", views.mark, name="mark"),
    path("ingest/", views.runs, name="runs"),
    path("ingest/<int:run_id>/", views.run, name="run"),
]
