"""The application's URLs plus the floor page; used only by bench/settings.py."""

from django.urls import path

from bench import views
from okr_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/floor/", views.floor, name="bench_floor"),
    *site_urlpatterns,
]
