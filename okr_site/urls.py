from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from okr_site import language, password_reset, views

urlpatterns = [
    path("", include("dashboards.urls")),
    path("", include("checkins.urls")),
    path("", include("reminders.urls")),
    path("", include("objectives.urls")),
    path("", include("audit.urls")),
    path("", include("initiatives.urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        password_reset.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("language/", language.switch_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

# Our own error answers: pages in our look, and for HTMX a message for the page's alert region.
handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error
