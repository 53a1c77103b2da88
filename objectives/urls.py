from django.urls import path  # noqa: F401 - the cycles, grading and people pages add their routes here

urlpatterns: list = []
