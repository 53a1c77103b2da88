from django.urls import path

from objectives.cycles import views as views
from objectives.organisation import views as people_views
from objectives.planning import views as planning_views

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
    # Planning: writing, aligning and coaching OKRs; templates; import and export
    path("plan/", planning_views.plan, name="plan"),
    path("plan/objectives/new/", planning_views.objective_new, name="objective_new"),
    path("plan/objectives/<int:pk>/", planning_views.objective_plan, name="objective_plan"),
    path("plan/objectives/<int:pk>/edit/", planning_views.objective_edit, name="objective_edit"),
    path(
        "plan/objectives/<int:pk>/archive/",
        planning_views.objective_archive,
        name="objective_archive",
    ),
    path(
        "plan/objectives/<int:pk>/restore/",
        planning_views.objective_restore,
        name="objective_restore",
    ),
    path(
        "plan/objectives/<int:pk>/key-results/new/",
        planning_views.key_result_new,
        name="key_result_new",
    ),
    path(
        "plan/objectives/<int:pk>/save-as-template/",
        planning_views.objective_save_template,
        name="objective_save_template",
    ),
    path("plan/key-results/<int:pk>/edit/", planning_views.key_result_edit, name="key_result_edit"),
    path("plan/key-results/<int:pk>/move/", planning_views.key_result_move, name="key_result_move"),
    path(
        "plan/key-results/<int:pk>/archive/",
        planning_views.key_result_archive,
        name="key_result_archive",
    ),
    path(
        "plan/key-results/<int:pk>/restore/",
        planning_views.key_result_restore,
        name="key_result_restore",
    ),
    path("plan/alignment/", planning_views.alignment_picker, name="alignment_picker"),
    path("plan/hints/objective/", planning_views.objective_hints, name="objective_hints"),
    path("plan/hints/key-result/", planning_views.key_result_hints, name="key_result_hints"),
    path("plan/templates/", planning_views.template_library, name="template_library"),
    path("plan/export.csv", planning_views.okr_export_csv, name="okr_export_csv"),
    path("plan/export.xlsx", planning_views.okr_export_xlsx, name="okr_export_xlsx"),
    path("plan/import/", planning_views.okr_import, name="okr_import"),
]
