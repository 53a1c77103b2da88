from django.urls import path

from objectives import people_views, views

urlpatterns = [
    # Cycles (everyone browses; admins manage)
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/new/", views.cycle_new, name="cycle_new"),
    path("cycles/fiscal-year/", views.fiscal_year, name="fiscal_year"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/move/<str:to_state>/", views.cycle_transition, name="cycle_transition"),
    # Pages of one cycle, chosen with ?cycle=<id> like every page
    path("cycles/grading/", views.grading, name="grading"),
    path("cycles/report/", views.cycle_report, name="cycle_report"),
    path("cycles/report.csv", views.cycle_report_csv, name="cycle_report_csv"),
    path("cycles/carry-over/", views.carry_over, name="carry_over"),
    # Grading and reflections
    path("key-results/<int:pk>/grade/", views.grade_key_result, name="grade_key_result"),
    path(
        "objectives/<int:pk>/reflection/",
        views.objective_reflection,
        name="objective_reflection",
    ),
    # People and teams (admins)
    path("people/", people_views.people, name="people"),
    path("people/new/", people_views.person_new, name="person_new"),
    path("people/<int:pk>/", people_views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people_views.person_edit, name="person_edit"),
    path("people/<int:pk>/deactivate/", people_views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people_views.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/memberships/", people_views.membership_add, name="membership_add"),
    path("people/memberships/<int:pk>/role/", people_views.membership_role, name="membership_role"),
    path(
        "people/memberships/<int:pk>/remove/",
        people_views.membership_remove,
        name="membership_remove",
    ),
    path(
        "key-results/<int:pk>/reassign/",
        people_views.key_result_reassign,
        name="key_result_reassign",
    ),
    path("people/teams/", people_views.teams, name="teams"),
    path("people/teams/new/", people_views.team_new, name="team_new"),
    path("people/teams/<int:pk>/", people_views.team_detail, name="team_detail"),
]
