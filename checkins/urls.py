from django.urls import path

from checkins import views

urlpatterns = [
    path("key-results/<int:pk>/check-in/", views.check_in, name="check_in"),
]
