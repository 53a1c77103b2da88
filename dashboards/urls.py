from django.urls import path

from dashboards import views

urlpatterns = [
    path("", views.my_week, name="my_week"),
    path("my-week/key-results/<int:pk>/", views.key_result_row, name="my_week_row"),
    path("teams/", views.team_index, name="team_list"),
    path("teams/mine/", views.my_team, name="my_team"),
    # The same URL answers an HTMX request with the key result table alone.
    path("teams/<slug:slug>/", views.team_dashboard, name="team_dashboard"),
    path(
        "teams/<slug:slug>/initiatives/",
        views.team_initiatives_panel,
        name="team_initiatives",
    ),
    path("company/", views.company, name="company"),
    path(
        "company/objectives/<int:pk>/children/",
        views.objective_children,
        name="objective_children",
    ),
    path("key-results/<int:pk>/", views.key_result_detail, name="key_result"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective"),
]
