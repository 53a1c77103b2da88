from django.urls import path

from audit import views

urlpatterns = [
    path("audit/", views.event_list, name="audit_events"),
    path(
        "audit/objectives/<int:pk>/",
        views.objective_history,
        name="audit_objective_history",
    ),
    path(
        "audit/key-results/<int:pk>/",
        views.key_result_history,
        name="audit_key_result_history",
    ),
]
