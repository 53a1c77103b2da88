from django.urls import path

from reminders import views

urlpatterns = [
    path("reminders/", views.reminder_settings, name="reminder_settings"),
    path("reminders/preview/", views.reminder_preview, name="reminder_preview"),
    path("reminders/test/", views.send_test_reminder, name="reminder_test"),
    path("reminders/deliveries/", views.reminder_deliveries, name="reminder_deliveries"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="reminder_unsubscribe"),
]
