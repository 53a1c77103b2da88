"""Forms of planning: objectives and their key results, carry-over, templates, import."""

from collections.abc import Iterator
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from objectives import permissions, services
from objectives.cycles import fiscal as fiscal
from objectives.forms import (
    IdChoiceField,
    NumberField,
    PersonField,
    VersionedFormMixin,
    VersionField,
)
from objectives.ids import is_id
from objectives.models import (
    Cycle,
    KeyResult,
    Objective,
    ObjectiveTemplate,
    Team,
    User,
)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Refuses values that cannot be ids before they reach the database: SQLite cannot even
    bind an integer past 64 bits (a 500), where an exact lookup Django already answers."""

    def _check_values(self, value: object) -> object:
        for pk in value or ():
            if not is_id(str(pk)):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class CarryOverForm(forms.Form):
    objectives = IdsChoiceField(
        label=_("Objectives to carry over"),
        queryset=Objective.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one objective to carry over.")},
    )
    into = IdChoiceField(
        label=_("Into"),
        queryset=Cycle.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a cycle in planning or active.")},
    )
    # A checkbox sends nothing when unticked: the page ticks it by default.
    initiatives = forms.BooleanField(
        label=_("Bring their unfinished initiatives along"),
        required=False,
        initial=True,
        help_text=_("Initiatives that are not done move with their key results; done ones stay."),
    )

    def __init__(
        self, *args: object, objectives: list[Objective], targets: list[Cycle], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = Objective.objects.filter(
            pk__in=[o.pk for o in objectives]
        )
        self.fields["into"].queryset = Cycle.objects.filter(pk__in=[c.pk for c in targets])
        self.fields["into"].choices = [(c.pk, c.name) for c in targets]


MAX_KEY_RESULT_ROWS = 10


class OwnerKind:
    PERSON = "person"
    TEAM = "team"
    CHOICES = [(PERSON, _("A person")), (TEAM, _("A team"))]


class ObjectiveForm(VersionedFormMixin, forms.Form):
    """An objective's own fields. The owner is a person (by username) or one of the teams the
    writer may write objectives for; the parent one of the valid parents the alignment picker
    offers. The rules themselves are the service's (objective_errors, parent_errors)."""

    title = forms.CharField(
        label=_("Objective"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Qualitative and inspiring: what you want to achieve, in words."),
    )
    description = forms.CharField(
        label=_("Why it matters"),
        required=False,
        max_length=services.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner_kind = forms.ChoiceField(
        label=_("Owned by"),
        choices=OwnerKind.CHOICES,
        initial=OwnerKind.PERSON,
        widget=forms.RadioSelect,
    )
    owner_user = PersonField(label=_("Person (username)"), required=False)
    owner_team = IdChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Choose a team"),
        error_messages={"invalid_choice": _("Choose one of the teams you write objectives for.")},
    )
    objective_type = forms.ChoiceField(
        label=_("Type"),
        choices=Objective.Type.choices,
        initial=Objective.Type.ASPIRATIONAL,
        widget=forms.RadioSelect,
        help_text=_("Aspirational: 0.7 is success. Committed: expected to reach 1.0."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Objective.Visibility.choices,
        initial=Objective.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    parent = forms.TypedChoiceField(
        label=_("Supports (parent objective)"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a parent objective from the list.")},
    )
    version = VersionField()

    def __init__(
        self,
        *args: object,
        actor: User,
        teams: list[Team],
        parents: dict[int, Objective],
        objective: Objective | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.objective = objective
        self.parents = parents
        self.fields["owner_team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])
        self.fields["owner_team"].choices = [("", _("Choose a team"))] + [
            (t.pk, t.name) for t in teams
        ]
        self.fields["owner_user"].widget.attrs["list"] = "people-suggestions"
        self.fields["parent"].choices = [("", _("No parent"))] + [
            (pk, o.title) for pk, o in parents.items()
        ]
        # A parent the writer may not see (another's private objective) is neither offered nor
        # named, and it is not theirs to drop: it stays unless they choose another parent.
        self.hidden_parent: Objective | None = None
        if (
            objective is not None
            and objective.parent_id
            and objective.parent_id not in parents
            and not permissions.can_view_objective(actor, objective.parent)
        ):
            self.hidden_parent = objective.parent
            if str(self.initial.get("parent") or "") == str(objective.parent_id):
                self.initial["parent"] = None

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("owner_kind")
        owner_user = owner_team = None
        if kind == OwnerKind.TEAM:
            owner_team = cleaned.get("owner_team")
            if owner_team is None and "owner_team" not in self.errors:
                self.add_error("owner_team", _("Choose the team that owns this objective."))
        elif kind == OwnerKind.PERSON:
            owner_user = cleaned.get("owner_user")
            if owner_user is None and "owner_user" not in self.errors:
                self.add_error("owner_user", _("Enter the username of the person who owns it."))
        unchanged = self.objective is not None and (
            self.objective.owner_team_id,
            self.objective.owner_user_id,
        ) == (owner_team.pk if owner_team else None, owner_user.pk if owner_user else None)
        if (
            (owner_team or owner_user)
            and not unchanged
            and not permissions.can_create_objective(
                self.actor, owner_team=owner_team, owner_user=owner_user
            )
        ):
            field = "owner_team" if owner_team else "owner_user"
            self.add_error(
                field,
                _("You write objectives for yourself, the people you manage and your teams."),
            )
        cleaned["owner_team"], cleaned["owner_user"] = owner_team, owner_user
        parent_id = cleaned.get("parent")
        cleaned["parent"] = self.parents.get(parent_id) if parent_id else self.hidden_parent
        for field, messages in services.objective_errors(
            title=cleaned.get("title", ""),
            description=cleaned.get("description", ""),
            objective_type=cleaned.get("objective_type", ""),
            visibility=cleaned.get("visibility", ""),
        ).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return cleaned

    def service_values(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "owner_team": data["owner_team"],
            "owner_user": data["owner_user"],
            "objective_type": data["objective_type"],
            "visibility": data["visibility"],
            "parent": data["parent"],
        }


class KeyResultForm(forms.Form):
    """A key result's fields; the rules are the service's (key_result_errors)."""

    title = forms.CharField(
        label=_("Key result"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    owner = PersonField(label=_("Owner (username)"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=KeyResult.Kind.choices, initial=KeyResult.Kind.METRIC
    )
    unit = forms.CharField(
        label=_("Unit"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"size": 6, "autocomplete": "off"}),
    )
    start_value = NumberField(label=_("Start"), initial=Decimal(0))
    target_value = NumberField(label=_("Target"))
    weight = NumberField(label=_("Weight"), initial=Decimal(1), places=services.WEIGHT_PLACES)

    def __init__(self, *args: object, owner_required: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.owner_required = owner_required
        self.fields["owner"].widget.attrs["list"] = "people-suggestions"

    def is_blank(self) -> bool:
        """Nothing typed in the row (a spare row of the create form)."""
        return not any(
            (self.data.get(self.add_prefix(name)) or "").strip()
            for name in ("title", "owner", "unit", "target_value")
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.owner_required and cleaned.get("owner") is None and "owner" not in self.errors:
            self.add_error("owner", _("Enter the username of the person who owns it."))
        if cleaned.get("weight") is None and "weight" not in self.errors:
            cleaned["weight"] = Decimal(1)
        if cleaned.get("start_value") is None and "start_value" not in self.errors:
            cleaned["start_value"] = Decimal(0)
        for field, messages in services.key_result_errors(
            title=cleaned.get("title", ""),
            kind=cleaned.get("kind", ""),
            unit=cleaned.get("unit", ""),
            start_value=cleaned.get("start_value"),
            target_value=cleaned.get("target_value"),
            weight=cleaned.get("weight"),
        ).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return cleaned

    def service_values(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "owner": data["owner"],
            "kind": data["kind"],
            "unit": data["unit"],
            "start_value": data["start_value"],
            "target_value": data["target_value"],
            "weight": data["weight"],
        }


class KeyResultEditForm(VersionedFormMixin, KeyResultForm):
    """Editing a key result: its fields and the version the form was rendered from."""

    version = VersionField()


class KeyResultRows:
    """The create form's key result rows: a plain list of prefixed KeyResultForms (kr-0-…),
    blank ones skipped, so a template's rows count even when left as they were."""

    def __init__(
        self,
        data: object | None = None,
        *,
        count: int = 3,
        initial: list[dict] | None = None,
    ) -> None:
        initial = initial or []
        count = max(1, min(MAX_KEY_RESULT_ROWS, max(count, len(initial))))
        self.count = count
        self.forms = [
            KeyResultForm(
                data,
                prefix=f"kr-{index}",
                initial=initial[index] if index < len(initial) else None,
                owner_required=False,
            )
            for index in range(count)
        ]
        # A spare row left empty is skipped, so it has nothing to complain about: drawn again
        # unbound, with what it carried (its kind, start and weight) as its initial values,
        # it shows no "Give the key result a title" or "Enter a number".
        self.forms = [
            KeyResultForm(
                prefix=form.prefix,
                initial={
                    name: form.data[form.add_prefix(name)]
                    for name in form.fields
                    if form.add_prefix(name) in form.data
                },
                owner_required=False,
            )
            if form.is_bound and form.is_blank()
            else form
            for form in self.forms
        ]

    @staticmethod
    def count_in(data: object, *, add: bool = False) -> int:
        raw = (data.get("kr_rows") or "") if data is not None else ""
        count = int(raw) if is_id(raw) else 3
        return max(1, min(MAX_KEY_RESULT_ROWS, count + (1 if add else 0)))

    def filled(self) -> list[KeyResultForm]:
        return [form for form in self.forms if form.is_bound and not form.is_blank()]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.filled()])

    def drafts(self, *, default_owner: User) -> list[services.KeyResultDraft]:
        return [
            services.KeyResultDraft(
                title=form.cleaned_data["title"],
                owner=form.cleaned_data["owner"] or default_owner,
                kind=form.cleaned_data["kind"],
                unit=form.cleaned_data["unit"],
                start_value=form.cleaned_data["start_value"],
                target_value=form.cleaned_data["target_value"],
                weight=form.cleaned_data["weight"],
            )
            for form in self.filled()
        ]

    def add_service_errors(self, errors: dict[str, list[str]]) -> bool:
        """Put a service's "key_results-<n>-<field>" errors on the rows; True if any landed."""
        filled = self.filled()
        landed = False
        for key, messages in errors.items():
            if not key.startswith("key_results-"):
                continue
            _prefix, index, field = key.split("-", 2)
            if index.isdigit() and int(index) < len(filled):
                form = filled[int(index)]
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
                landed = True
        return landed

    def __iter__(self) -> Iterator[KeyResultForm]:
        return iter(self.forms)


class TemplateFilterForm(forms.Form):
    department = forms.ChoiceField(
        label=_("Department"),
        required=False,
        choices=[("", _("All departments")), *ObjectiveTemplate.Department.choices],
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *Objective.Level.choices],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class SaveTemplateForm(forms.Form):
    title = forms.CharField(label=_("Template title"), required=False, max_length=200)
    department = forms.ChoiceField(
        label=_("Department"), choices=ObjectiveTemplate.Department.choices
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV in the export's format: one row per key result."),
    )


class ImportConfirmForm(forms.Form):
    content = forms.CharField(widget=forms.HiddenInput, strip=False)
