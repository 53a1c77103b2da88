from django.urls import path

from checkins import reminder_views, views

urlpatterns = [
    path("key-results/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("reminders/", reminder_views.reminder_settings, name="reminder_settings"),
    path("reminders/preview/", reminder_views.reminder_preview, name="reminder_preview"),
    path("reminders/test/", reminder_views.send_test_reminder, name="reminder_test"),
    path("reminders/deliveries/", reminder_views.reminder_deliveries, name="reminder_deliveries"),
    path(
        "reminders/unsubscribe/<str:token>/",
        reminder_views.unsubscribe,
        name="reminder_unsubscribe",
    ),
]
