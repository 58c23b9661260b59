from django.urls import path

from . import views, views_people

app_name = "core_public"

# Account pages a signed-out person opens from an e-mail: also served in Spanish under /es/.
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/enrol/<str:token>/", views_people.enrol, name="enrol"),
    path("accounts/password-reset/", views_people.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", views_people.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", views_people.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", views_people.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
