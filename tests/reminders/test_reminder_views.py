"""The reminder pages: the policy (admins), who is due now, test e-mails, the deliveries log, the
unsubscribe link (no login), and "reminder sent" on My week. Permissions for several roles and
fixed query counts at two data sizes."""

from datetime import time, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from checkins.models import ReminderDelivery, ReminderPolicy, Weekday
from reminders.schedule import Reason
from reminders.unsubscribe import unsubscribe_token
from tests.factories import ReminderDeliveryFactory, ReminderPolicyFactory
from tests.reminders.reminder_helpers import owned_key_result, person, utc, year_cycle

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
Status = ReminderDelivery.Status
Kind = ReminderDelivery.Kind
MONDAY_EVENING = utc(2026, 3, 9, 19)
ADMIN_PAGES = ["reminder_settings", "reminder_preview", "reminder_deliveries"]
POLICY = {
    "enabled": "on",
    "weekday": "1",
    "local_time": "09:30",
    "nudge_after_days": "3",
    "digest_enabled": "on",
    "digest_weekday": "4",
    "digest_time": "16:00",
}


@pytest.fixture
def admin_with_email(admin):
    admin.email = "admin@example.com"
    admin.save(update_fields=["email"])
    return admin


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_pages_need_a_login(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize("who", ["owner", "manager", "stranger", "other_manager"])
def test_only_admins_manage_reminders(client, request, page, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(page))
    assert response.status_code == 403
    assert "Only admins manage reminders." in response.content.decode()


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_others_cannot_change_the_policy_or_send_tests(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("reminder_settings"), POLICY).status_code == 403
    assert client.post(reverse("reminder_test"), {"kind": "reminder"}).status_code == 403
    assert ReminderPolicy.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("people", [2, 20])
def test_settings_page_shows_the_defaults_without_saving_them(
    client, admin, people, django_assert_num_queries
):
    cycle = year_cycle(2026)
    for n in range(people):
        owned_key_result(person(f"p{n}"), cycle)
    client.force_login(admin)
    # Session, user, policy, the header's cycle switcher (base.html) and the heartbeats (whether
    # reminders are running: the header's warning and the page's status, one query for both).
    with django_assert_num_queries(5):
        response = client.get(reverse("reminder_settings"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="10:00"' in html and "Never saved: these are the defaults." in html
    assert '<option value="0" selected>Monday</option>' in html
    assert '<link rel="stylesheet" href="/static/css/reminders.css">' in html
    assert ReminderPolicy.objects.count() == 0  # a GET changes nothing


def test_saving_the_policy(client, admin):
    client.force_login(admin)
    response = client.post(reverse("reminder_settings"), POLICY)
    assert response.status_code == 302
    policy = ReminderPolicy.objects.get()
    assert (policy.weekday, policy.local_time, policy.nudge_after_days) == (1, time(9, 30), 3)
    assert (policy.digest_weekday, policy.digest_time) == (4, time(16, 0))
    assert policy.updated_by == admin
    follow = client.get(response["Location"]).content.decode()
    assert "Reminder settings saved." in follow
    # Unticking a box is a change too.
    client.post(reverse("reminder_settings"), {**POLICY, "enabled": "", "digest_enabled": ""})
    policy.refresh_from_db()
    assert not policy.enabled and not policy.digest_enabled


def test_saving_with_htmx_returns_the_form_fragment(client, admin):
    client.force_login(admin)
    response = client.post(reverse("reminder_settings"), POLICY, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="policy-form"')
    assert "<html" not in html
    assert "Saved. The next sweep follows the new settings." in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"weekday": "9"}, "weekday", "Select a valid choice"),
        ({"local_time": "25:00"}, "local_time", "Enter a valid time"),
        ({"local_time": ""}, "local_time", "This field is required"),
        ({"nudge_after_days": "-1"}, "nudge_after_days", "greater than or equal to 0"),
        ({"nudge_after_days": "abc"}, "nudge_after_days", "Enter a whole number"),
        ({"nudge_after_days": "7"}, "nudge_after_days", "less than or equal to 6"),
        (
            {"weekday": "4", "nudge_after_days": "3"},
            "nudge_after_days",
            "The nudge must fall in the same week: at most 2 days after Friday.",
        ),
        ({"digest_time": "noon"}, "digest_time", "Enter a valid time"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_input_is_explained_next_to_the_field_and_changes_nothing(
    client, admin, change, field, message, htmx
):
    ReminderPolicyFactory()
    client.force_login(admin)
    headers = HTMX if htmx else {}
    response = client.post(reverse("reminder_settings"), {**POLICY, **change}, **headers)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    html = response.content.decode()
    assert message in html and "has-error" in html
    assert ("<html" in html) is not htmx
    policy = ReminderPolicy.objects.get()
    assert (policy.weekday, policy.local_time) == (Weekday.MONDAY, time(10, 0))


def test_send_me_a_test_reminder(client, admin_with_email):
    client.force_login(admin_with_email)
    response = client.post(reverse("reminder_test"), {"kind": "nudge"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="test-form"')
    assert "Test e-mail sent to admin@example.com." in html
    [message] = mail.outbox
    assert message.to == ["admin@example.com"]
    assert message.subject.startswith("[Test] Second reminder")
    # Without JavaScript: a redirect and a message.
    response = client.post(reverse("reminder_test"), {"kind": "digest"})
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "Test e-mail sent to admin@example.com." in follow


def test_a_test_needs_an_address_and_a_kind(client, admin):
    admin.email = ""
    admin.save(update_fields=["email"])
    client.force_login(admin)
    response = client.post(reverse("reminder_test"), {"kind": "reminder"}, **HTMX)
    assert response.status_code == 422
    assert "Your account has no e-mail address to send to." in response.content.decode()
    response = client.post(reverse("reminder_test"), {"kind": "spam"}, **HTMX)
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert client.get(reverse("reminder_test")).status_code == 405
    assert mail.outbox == []


def test_a_mail_server_failure_is_reported_to_the_admin(client, admin_with_email, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    client.force_login(admin_with_email)
    response = client.post(reverse("reminder_test"), {"kind": "reminder"}, **HTMX)
    assert response.status_code == 200
    assert "The test e-mail could not be sent: ConnectionRefusedError" in response.content.decode()
    response = client.post(reverse("reminder_test"), {"kind": "reminder"})
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "The test e-mail could not be sent: ConnectionRefusedError" in follow


def _people_due(count: int) -> list:
    cycle = year_cycle(2026)
    zones = ["Asia/Seoul", "America/New_York", "Pacific/Honolulu"]
    people = [person(f"due{n}", zones[n % 3]) for n in range(count)]
    for user in people:
        owned_key_result(user, cycle)
    return people


@pytest.mark.parametrize("count", [3, 30])
def test_preview_lists_who_would_be_reminded_now_and_why(
    client, admin, count, django_assert_num_queries
):
    ReminderPolicyFactory()
    people = _people_due(count)
    seoul_done = people[0]
    ReminderDeliveryFactory(user=seoul_done, period=utc(2026, 3, 9).date(), status=Status.SENT)
    client.force_login(admin)
    # 19:00 UTC Monday: past 10:00 in Seoul and New York, 10:00 in Honolulu is still to come.
    # Session, user, policy, the sweeper's plan (key results, managers, this week's rows), and
    # the header's cycle switcher (base.html) and the heartbeats.
    with time_machine.travel(MONDAY_EVENING, tick=False), django_assert_num_queries(8):
        response = client.get(reverse("reminder_preview"))
    assert response.status_code == 200
    preview = response.context["preview"]
    in_honolulu = sum(1 for n in range(count) if n % 3 == 2)
    assert preview.due_count == count - in_honolulu - 1
    html = response.content.decode()
    # Names as the table cells show them: a bare "Due0" could be spelled by a CSRF token.
    assert "<td>Due1<" in html and "America/New_York" in html
    assert (
        "Their reminder time has passed this week and 1 key result still lacks a check-in." in html
    )
    assert "<td>Due0<" not in html  # already reminded this week
    assert ReminderDelivery.objects.count() == 1  # previewing claims nothing
    with time_machine.travel(MONDAY_EVENING, tick=False):
        later = client.get(reverse("reminder_preview"), {"show": "not_yet"}, **HTMX)
    fragment = later.content.decode()
    assert fragment.lstrip().startswith('<section id="decisions"')
    assert "Due2" in fragment and "Pacific/Honolulu" in fragment
    assert "Mon 9 Mar, 10:00" in fragment  # their own 10:00, not the admin's clock


def test_preview_says_when_reminders_are_off(client, admin):
    ReminderPolicyFactory(enabled=False)
    _people_due(2)
    client.force_login(admin)
    html = client.get(reverse("reminder_preview")).content.decode()
    assert "Reminders are turned off" in html


def test_preview_copes_with_nonsense_parameters(client, admin):
    client.force_login(admin)
    response = client.get(reverse("reminder_preview"), {"show": "<script>", "page": "x"})
    assert response.status_code == 200
    assert response.context["preview"].show == Reason.DUE


def _deliveries(count: int) -> None:
    statuses = [Status.SENT, Status.FAILED, Status.RETRYING, Status.SKIPPED]
    for n in range(count):
        ReminderDeliveryFactory(
            user=person(f"log{n}"),
            status=statuses[n % 4],
            attempts=n % 4,
            sent_at=timezone.now() if statuses[n % 4] == Status.SENT else None,
            last_error="SMTPServerDisconnected: gone" if statuses[n % 4] == Status.FAILED else "",
        )


@pytest.mark.parametrize("count", [4, 60])
def test_deliveries_log(client, admin, count, django_assert_num_queries):
    _deliveries(count)
    client.force_login(admin)
    # Session, user, the count and one page of rows with their people, the header's cycle
    # switcher (base.html) and the heartbeats.
    with django_assert_num_queries(6):
        response = client.get(reverse("reminder_deliveries"))
    assert response.status_code == 200
    html = response.content.decode()
    first = response.context["log"].table.page.object_list[0].record
    assert f'{first.user.name}<span class="muted"> · {first.user.email}</span>' in html
    assert 'class="delivery-status delivery-failed">failed<' in html
    assert "SMTPServerDisconnected: gone" in html
    assert len(response.context["log"].table.page.object_list) == min(count, 50)


def test_deliveries_log_filters_sorts_and_swaps_with_htmx(client, admin):
    _deliveries(8)
    client.force_login(admin)
    response = client.get(reverse("reminder_deliveries"), {"status": "failed"}, **HTMX)
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="log">')
    assert 'name="status"' in fragment  # the filter form comes back with the table
    rows = response.context["log"].table.page.object_list
    assert {row.record.status for row in rows} == {Status.FAILED}
    response = client.get(reverse("reminder_deliveries"), {"person": "log3"})
    assert [row.record.user.username for row in response.context["log"].table.page] == ["log3"]
    response = client.get(reverse("reminder_deliveries"), {"sort": "-attempts"})
    attempts = [row.record.attempts for row in response.context["log"].table.page]
    assert attempts == sorted(attempts, reverse=True)
    for nonsense in [{"page": "999"}, {"sort": "password"}, {"page": "-1"}]:
        assert client.get(reverse("reminder_deliveries"), nonsense).status_code == 200
    for bad, message in [({"period": "soon"}, "Enter a valid date"), ({"kind": "x"}, "valid")]:
        response = client.get(reverse("reminder_deliveries"), bad, **HTMX)
        assert response.status_code == 422
        assert message in response.content.decode() and "has-error" in response.content.decode()


@pytest.mark.filterwarnings("error::DeprecationWarning")
@pytest.mark.parametrize("nonsense", ["0.6", "1e-300", "-user.email", "__class__"])
def test_a_sort_that_names_no_column_sorts_the_default_way(client, admin, nonsense):
    # django-tables2 would read "0.6" as an attribute path (and warn); only columns get through.
    _deliveries(3)
    client.force_login(admin)
    default = client.get(reverse("reminder_deliveries")).context["log"].table.order_by
    response = client.get(reverse("reminder_deliveries"), {"sort": nonsense})
    assert response.status_code == 200
    assert response.context["log"].table.order_by == default


def test_unsubscribe_needs_no_login_and_a_get_changes_nothing(owner):
    client = Client()
    url = reverse("reminder_unsubscribe", args=[unsubscribe_token(owner)])
    response = client.get(url)
    assert response.status_code == 200
    assert "Stop the weekly check-in reminders" in response.content.decode()
    owner.refresh_from_db()
    assert not owner.reminders_opt_out


def test_unsubscribe_and_undo(owner):
    client = Client(enforce_csrf_checks=True)  # as a mail client's one-click POST would be
    url = reverse("reminder_unsubscribe", args=[unsubscribe_token(owner)])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Done: you will get no more reminder" in response.content.decode()
    owner.refresh_from_db()
    assert owner.reminders_opt_out
    response = client.post(url, {"action": "resubscribe"})
    assert "reminder e-mails are on again" in response.content.decode()
    owner.refresh_from_db()
    assert not owner.reminders_opt_out


@pytest.mark.parametrize("token", ["nonsense", "MQ:forged-signature", "Ilx4Ig:abc"])
def test_a_bad_unsubscribe_link_is_not_found(owner, token):
    client = Client()
    assert client.get(reverse("reminder_unsubscribe", args=[token])).status_code == 404
    assert client.post(reverse("reminder_unsubscribe", args=[token])).status_code == 404
    owner.refresh_from_db()
    assert not owner.reminders_opt_out


def test_a_token_for_one_person_cannot_touch_another(owner, teammate):
    token = unsubscribe_token(owner)
    Client().post(reverse("reminder_unsubscribe", args=[token]))
    teammate.refresh_from_db()
    assert not teammate.reminders_opt_out


def test_my_week_says_when_this_weeks_reminder_went_out(client, owner, key_result):
    now = timezone.now()
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    client.force_login(owner)
    assert 'data-testid="reminder-sent"' not in client.get(reverse("my_week")).content.decode()
    ReminderDeliveryFactory(
        user=owner,
        period=monday - timedelta(days=7),
        status=Status.SENT,
        sent_at=now - timedelta(days=7),
    )
    ReminderDeliveryFactory(user=owner, period=monday, status=Status.FAILED, kind=Kind.NUDGE)
    assert 'data-testid="reminder-sent"' not in client.get(reverse("my_week")).content.decode()
    ReminderDeliveryFactory(user=owner, period=monday, status=Status.SENT, sent_at=now)
    response = client.get(reverse("my_week"))
    html = response.content.decode()
    assert 'data-testid="reminder-sent">Reminder sent <time' in html
    assert response.context["head"].reminder_sent.sent_at == now
    assert timezone.localtime(now).strftime("%H:%M") in html


def test_admins_find_reminders_in_the_main_navigation(client, admin, owner):
    client.force_login(admin)
    html = client.get(reverse("reminder_preview")).content.decode()
    assert '<a href="/reminders/" aria-current="page">Reminders</a>' in html
    client.force_login(owner)
    assert 'href="/reminders/"' not in client.get(reverse("my_week")).content.decode()
