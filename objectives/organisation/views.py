"""People and teams, the admins' pages: create and edit people, deactivate them (keeping their
history) and reassign what they leave open, place them in teams with roles, and create, rename and
move teams in the tree.

Only admins change anything here; anyone else signed in gets a 403 that says so (the pages exist
for them, they just are not theirs). Refusals are raised and answered by okr_site/errors.py; bad
input re-renders the form with messages, 422.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from domain.errors import NotAllowed
from objectives import permissions, services
from objectives.access import access_key_result, access_membership, access_person, access_team
from objectives.models import Membership, User
from objectives.organisation import selectors as people_selectors
from objectives.organisation import services as people_services
from objectives.organisation.forms import (
    MembershipForm,
    MembershipRoleForm,
    PersonCreateForm,
    PersonForm,
    ReassignForm,
    TeamForm,
)
from objectives.view_helpers import add_service_errors, refusal, safe_next_url

PERSON = "objectives/person.html"


# --- People ----------------------------------------------------------------------------------


def _admins_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anyone but an admin gets the 403 that says why (the pages exist for them), before
    anything is looked up."""

    @wraps(view)
    def admins_view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not permissions.can_manage_people(request.user):
            raise NotAllowed(_("Only admins manage people and teams."))
        return view(request, *args, **kwargs)

    return admins_view


@require_GET
@_admins_only
def people(request: HttpRequest) -> HttpResponse:
    return render(request, "objectives/people.html", {"people": people_selectors.people_list()})


@require_http_methods(["GET", "POST"])
@_admins_only
def person_new(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = PersonCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = people_services.create_person(actor=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(name)s can now sign in.") % {"name": person.name})
                return redirect("person_detail", pk=person.pk)
        status = 422
    else:
        form = PersonCreateForm()
    return render(request, "objectives/person_new.html", {"form": form}, status=status)


def _person_context(person: User, **extra: object) -> dict:
    context = {
        "page": people_selectors.person_page(person=person),
        "roles": Membership.Role.choices,
    }
    context.setdefault(
        "profile_form",
        PersonForm(
            initial={
                "display_name": person.display_name,
                "email": person.email,
                "time_zone": person.time_zone,
                "language": person.language,
                "is_viewer": person.is_viewer,
            }
        ),
    )
    context.update(extra)
    return context


@require_GET
@_admins_only
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person(user=request.user, pk=pk)
    return render(request, PERSON, _person_context(person))


@require_POST
@_admins_only
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person(user=request.user, pk=pk)
    form = PersonForm(request.POST)
    if form.is_valid():
        try:
            people_services.update_person(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": person.name})
            return redirect("person_detail", pk=person.pk)
    return render(request, PERSON, _person_context(person, profile_form=form), status=422)


@require_http_methods(["GET", "POST"])
@_admins_only
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person(user=request.user, pk=pk)
    if request.method == "POST":
        people_services.deactivate_person(actor=request.user, person=person)
        messages.success(
            request,
            _(
                "%(name)s is deactivated. Their history stays; "
                "reassign their open key results below."
            )
            % {"name": person.name},
        )
        return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "objectives/person_deactivate.html",
        {"page": people_selectors.person_page(person=person)},
    )


@require_POST
@_admins_only
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person(user=request.user, pk=pk)
    people_services.reactivate_person(actor=request.user, person=person)
    messages.success(request, _("%(name)s can sign in again.") % {"name": person.name})
    return redirect("person_detail", pk=person.pk)


@require_POST
@_admins_only
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person(user=request.user, pk=pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            people_services.add_membership(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s joined %(team)s.")
                % {"name": person.name, "team": form.cleaned_data["team"].name},
            )
            return redirect("person_detail", pk=person.pk)
    return render(request, PERSON, _person_context(person, membership_form=form), status=422)


@require_POST
@_admins_only
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access_membership(user=request.user, pk=pk)
    form = MembershipRoleForm(request.POST)
    if form.is_valid():
        people_services.change_membership_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
        messages.success(
            request,
            _("%(name)s is now %(role)s of %(team)s.")
            % {
                "name": membership.user.name,
                "role": membership.get_role_display(),
                "team": membership.team.name,
            },
        )
        return redirect("person_detail", pk=membership.user_id)
    return render(
        request,
        PERSON,
        _person_context(membership.user, role_errors={membership.pk: form.errors.get("role")}),
        status=422,
    )


@require_POST
@_admins_only
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access_membership(user=request.user, pk=pk)
    people_services.remove_membership(actor=request.user, membership=membership)
    messages.success(
        request,
        _("%(name)s left %(team)s.") % {"name": membership.user.name, "team": membership.team.name},
    )
    return redirect("person_detail", pk=membership.user_id)


@require_POST
def key_result_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = access_key_result(user=request.user, pk=pk)
    if not permissions.can_reassign_key_result(request.user, key_result):
        raise NotAllowed(_("You may not reassign this key result."))
    previous_owner = key_result.owner
    back = safe_next_url(request, reverse("person_detail", args=[previous_owner.pk]))
    form = ReassignForm(request.POST)
    if form.is_valid():
        new_owner = form.cleaned_data["owner"]
        try:
            services.reassign_key_result(
                actor=request.user, key_result=key_result, new_owner=new_owner
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = _("“%(title)s” now belongs to %(name)s.") % {
                "title": key_result.title,
                "name": new_owner.name,
            }
            if request.htmx:
                return render(
                    request,
                    f"{PERSON}#reassigned",
                    {"key_result": key_result, "message": message},
                )
            messages.success(request, message)
            return redirect(back)
    errors = list(form.errors.get("owner", [])) + list(form.non_field_errors())
    if request.htmx or not permissions.can_manage_people(request.user):
        return refusal(request, " ".join(errors), status=422)
    return render(
        request,
        PERSON,
        _person_context(previous_owner, reassign_errors={key_result.pk: errors}),
        status=422,
    )


# --- Teams -----------------------------------------------------------------------------------


def _teams_context(**extra: object) -> dict:
    context = {"nodes": people_selectors.team_tree()}
    context.setdefault("form", TeamForm())
    context.update(extra)
    return context


@require_GET
@_admins_only
def teams(request: HttpRequest) -> HttpResponse:
    return render(request, "objectives/teams.html", _teams_context())


@require_POST
@_admins_only
def team_new(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            team = people_services.create_team(
                actor=request.user,
                name=form.cleaned_data["name"] or "",
                parent=form.cleaned_data["parent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(team)s is created.") % {"team": team.name})
            return redirect("teams")
    return render(request, "objectives/teams.html", _teams_context(form=form), status=422)


@require_http_methods(["GET", "POST"])
@_admins_only
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = access_team(user=request.user, pk=pk)
    status = 200
    if request.method == "POST":
        form = TeamForm(request.POST)
        if form.is_valid():
            try:
                people_services.update_team(
                    actor=request.user,
                    team=team,
                    name=form.cleaned_data["name"] or "",
                    parent=form.cleaned_data["parent"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(team)s is saved.") % {"team": team.name})
                return redirect("teams")
        status = 422
    else:
        form = TeamForm(initial={"name": team.name, "parent": team.parent_id})
    return render(
        request,
        "objectives/team.html",
        {
            "team": team,
            "form": form,
            "parent_choices": people_selectors.team_parent_choices(team=team),
            "members": people_selectors.team_members(team=team),
        },
        status=status,
    )
