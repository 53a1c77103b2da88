from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from checkins import views as checkin_views
from dashboards import views as dashboard_views
from okr_site import views

urlpatterns = [
    path("", dashboard_views.my_week, name="my_week"),
    path(
        "my-week/key-results/<int:pk>/",
        dashboard_views.key_result_row,
        name="my_week_row",
    ),
    path("key-results/<int:pk>/check-in/", checkin_views.check_in, name="check_in"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
