from django.urls import path

from dashboards import views

urlpatterns = [
    path("", views.my_week, name="my_week"),
    path("my-week/key-results/<int:pk>/", views.key_result_row, name="my_week_row"),
]
