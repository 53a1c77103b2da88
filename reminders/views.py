"""Reminder pages: the policy (admins), its preview, test e-mails, the deliveries log, and the
unsubscribe link every e-mail carries (no login: the signed token is the proof)."""

import smtplib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from checkins.models import ReminderPolicy
from objectives import permissions
from objectives.models import User
from reminders import selectors, services
from reminders.forms import ReminderPolicyForm, TestReminderForm
from reminders.unsubscribe import user_for_unsubscribe_token

SETTINGS_TEMPLATE = "reminders/settings.html"
PREVIEW_PAGE_SIZE = 50


def _ensure_can_manage_reminders(request: HttpRequest) -> None:
    if not permissions.can_manage_reminders(request.user):
        raise PermissionDenied(_("Only admins manage reminders."))


def _settings_response(
    request: HttpRequest,
    *,
    form: ReminderPolicyForm,
    test_form: TestReminderForm,
    partial: str | None = None,
    status: int = 200,
    **context: object,
) -> HttpResponse:
    template = f"{SETTINGS_TEMPLATE}#{partial}" if partial and request.htmx else SETTINGS_TEMPLATE
    return render(
        request,
        template,
        {"form": form, "test_form": test_form, "policy": form.instance, **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    _ensure_can_manage_reminders(request)
    policy = ReminderPolicy.current()
    if request.method == "POST":
        form = ReminderPolicyForm(request.POST, instance=policy)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.POLICY_FIELDS}
            policy = services.update_reminder_policy(actor=request.user, **values)
            if request.htmx:
                return _settings_response(
                    request,
                    form=ReminderPolicyForm(instance=policy),
                    test_form=TestReminderForm(),
                    partial="policy_form",
                    saved=True,
                )
            messages.success(request, _("Reminder settings saved."))
            return redirect("reminder_settings")
        return _settings_response(
            request, form=form, test_form=TestReminderForm(), partial="policy_form", status=422
        )
    return _settings_response(
        request, form=ReminderPolicyForm(instance=policy), test_form=TestReminderForm()
    )


@require_POST
def send_test_reminder(request: HttpRequest) -> HttpResponse:
    _ensure_can_manage_reminders(request)
    test_form = TestReminderForm(request.POST)
    status, sent_to, failure = 422, None, None
    if test_form.is_valid():
        try:
            sent_to = services.send_test_reminder(
                actor=request.user, kind=test_form.cleaned_data["kind"]
            )
            status = 200
        except ValidationError as error:
            test_form.add_error(None, error)
        except (smtplib.SMTPException, OSError) as error:
            # The mail server's answer (or its silence), shown to the admin who asked.
            failure = f"{type(error).__name__}: {error}"
            status = 200
    if not request.htmx and status == 200:
        if sent_to:
            messages.success(request, _("Test e-mail sent to %(email)s.") % {"email": sent_to})
        else:
            messages.error(
                request, _("The test e-mail could not be sent: %(error)s") % {"error": failure}
            )
        return redirect("reminder_settings")
    return _settings_response(
        request,
        form=ReminderPolicyForm(instance=ReminderPolicy.current()),
        test_form=test_form,
        partial="test_form",
        status=status,
        sent_to=sent_to,
        failure=failure,
    )


@require_GET
def reminder_preview(request: HttpRequest) -> HttpResponse:
    """Who the next sweep would e-mail right now, and why everyone else would not."""
    _ensure_can_manage_reminders(request)
    preview = selectors.preview(
        policy=ReminderPolicy.current(), show=request.GET.get("show"), now=timezone.now()
    )
    page = Paginator(preview.shown, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"preview": preview, "page": page}
    template = "reminders/preview.html"
    if request.htmx and not request.htmx.boosted:
        template += "#decisions"
    return render(request, template, context)


@require_GET
def reminder_deliveries(request: HttpRequest) -> HttpResponse:
    """The deliveries log: who, what, which week, status, attempts, the last error."""
    _ensure_can_manage_reminders(request)
    log = selectors.deliveries_log(
        params=request.GET, page=request.GET.get("page"), sort=request.GET.get("sort")
    )
    template = "reminders/deliveries.html"
    if request.htmx:
        template += "#log"
    status = 422 if log.filter.errors else 200
    return render(request, template, {"log": log}, status=status)


def _user_for_token(token: str) -> User:
    user = user_for_unsubscribe_token(token)
    if user is None:
        raise Http404(_("This unsubscribe link is not valid."))
    return user


@login_not_required
# Mail clients send RFC 8058 one-click unsubscribes as a bare POST, with no cookie or CSRF token;
# the signed token in the URL is what authorises the change, and it can only switch e-mails off
# or back on for the person it names.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = _user_for_token(token)
    changed = False
    if request.method == "POST":
        opted_out = request.POST.get("action") != "resubscribe"
        user = services.set_reminder_opt_out(actor=user, opted_out=opted_out)
        changed = True
    return render(
        request,
        "reminders/unsubscribe.html",
        {"person": user, "token": token, "changed": changed},
    )
