from django.urls import path

from initiatives import views

urlpatterns = [
    path("key-results/<int:pk>/initiatives/", views.initiative_list, name="initiative_list"),
    path("key-results/<int:pk>/initiatives/new/", views.initiative_new, name="initiative_new"),
    path("initiatives/<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path("initiatives/<int:pk>/status/", views.initiative_status, name="initiative_status"),
    path("initiatives/mine/", views.my_initiatives, name="my_initiatives"),
]
