"""The organisation and its goals: people, teams, cycles, objectives and key results."""

from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Values people type into key results and check-ins stay within this range: beyond it a number is
# a typo or an attack, not a business figure.
MAX_ABS_VALUE = Decimal("1000000000000")  # 10^12
VALUE_DIGITS = {"max_digits": 20, "decimal_places": 4}
# A share (progress, a score) as objectives/stored_scores.py keeps it: scoring.STORED_PLACES places.
SHARE_DIGITS = {"max_digits": 13, "decimal_places": 12}
STATUS_CHOICES = [
    ("done", _("done")),
    ("on_track", _("on track")),
    ("at_risk", _("at risk")),
    ("behind", _("behind")),
]
BAND_CHOICES = [("red", _("red")), ("yellow", _("yellow")), ("green", _("green"))]


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class ObjectiveType(models.TextChoices):
    # The values scoring knows (scoring.ObjectiveType); a test keeps the two in step.
    ASPIRATIONAL = "aspirational", _("aspirational")
    COMMITTED = "committed", _("committed")


class KeyResultKind(models.TextChoices):
    # The values scoring knows (scoring.Kind); a test keeps the two in step.
    METRIC = "metric", _("metric")
    AT_LEAST = "at_least", _("keep at least")
    AT_MOST = "at_most", _("keep at most")
    MILESTONE = "milestone", _("milestone")


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: follow the browser."),
    )
    reminders_opt_out = models.BooleanField(_("no check-in reminders"), default=False)
    # A read-only seat (auditors, board observers): sees what an employee sees, changes nothing,
    # not even key results assigned to them. objectives/permissions.py is the only reader.
    is_viewer = models.BooleanField(
        _("read-only viewer"),
        default=False,
        help_text=_("Can see public OKRs and dashboards but cannot change anything."),
    )
    # Deactivation keeps the person and their history (is_active=False stops sign-in); these say
    # who did it and when, for the People page.
    deactivated_at = models.DateTimeField(
        _("deactivated at"), null=True, blank=True, editable=False
    )
    deactivated_by = models.ForeignKey(
        "self",
        verbose_name=_("deactivated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["display_name", "username"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        """Admins run the programme: cycles, people, teams, reminder policy, and every OKR."""
        return self.is_active and self.is_superuser

    @cached_property
    def tzinfo(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ValueError, KeyError):
            return ZoneInfo("UTC")


class Team(models.Model):
    """A node of the organisation tree. The single root team is the company itself."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_root = models.BooleanField(_("is the company"), default=False, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_root"], condition=Q(is_root=True), name="team_single_root"
            ),
            models.CheckConstraint(
                condition=Q(is_root=True, parent__isnull=True)
                | Q(is_root=False, parent__isnull=False),
                name="team_root_has_no_parent",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="team_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        MANAGER = "manager", _("manager")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["member", "manager"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return _("%(person)s in %(team)s (%(role)s)") % {
            "person": self.user,
            "team": self.team,
            "role": self.get_role_display(),
        }


class Cycle(models.Model):
    class State(models.TextChoices):
        PLANNING = "planning", _("planning")
        ACTIVE = "active", _("active")
        GRADING = "grading", _("grading")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("name"), max_length=80, unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PLANNING)
    auto_transition = models.BooleanField(
        _("move with its dates"),
        default=False,
        help_text=_(
            "Activate on the start date and move to grading the day after the end date. "
            "Closing always stays a deliberate step."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="cycle_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["planning", "active", "grading", "closed"]),
                name="cycle_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_checkins(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def is_grading(self) -> bool:
        return self.state == self.State.GRADING

    @property
    def next_state(self) -> str | None:
        """The one state this cycle may move to next (None once closed): no skips, no way back."""
        return CYCLE_NEXT_STATE.get(self.state)


# planning → active → grading → closed, one step at a time; closing is final because it freezes
# the scores.
CYCLE_NEXT_STATE: dict[str, str] = {
    Cycle.State.PLANNING: Cycle.State.ACTIVE,
    Cycle.State.ACTIVE: Cycle.State.GRADING,
    Cycle.State.GRADING: Cycle.State.CLOSED,
}


class CycleTransition(models.Model):
    """One move of a cycle to its next state: by whom (None: the daily automatic run) and when."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=16, choices=Cycle.State)
    to_state = models.CharField(_("to"), max_length=16, choices=Cycle.State)
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cycle_transitions",
    )
    automatic = models.BooleanField(_("automatic"), default=False)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(automatic=True, actor__isnull=True)
                | Q(automatic=False, actor__isnull=False),
                name="cycle_transition_has_an_author",
            ),
        ]

    def __str__(self) -> str:
        return _("%(cycle)s: %(from)s → %(to)s") % {
            "cycle": self.cycle,
            "from": self.get_from_state_display(),
            "to": self.get_to_state_display(),
        }

    @property
    def actor_name(self) -> str:
        return self.actor.name if self.actor_id else str(_("automatic (cycle dates)"))


class ProgrammeSettings(models.Model):
    """Installation-wide settings of the OKR programme that admins edit in the application.

    A single row (pk 1); `current()` answers with the defaults when it was never saved.
    """

    SINGLETON_PK = 1

    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The month the company's fiscal year begins; quarters are counted from it."),
    )

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="programme_settings_singleton"),
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="programme_settings_month_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Programme settings"))

    @classmethod
    def current(cls) -> "ProgrammeSettings":
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)


class Objective(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        PRIVATE = "private", _("private")

    class Level(models.TextChoices):
        COMPANY = "company", _("company")
        TEAM = "team", _("team")
        INDIVIDUAL = "individual", _("individual")

    Type = ObjectiveType

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_team = models.ForeignKey(
        Team,
        verbose_name=_("owning team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objectives",
    )
    owner_user = models.ForeignKey(
        User,
        verbose_name=_("owning person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objectives",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent objective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    objective_type = models.CharField(
        _("type"), max_length=16, choices=Type, default=ObjectiveType.ASPIRATIONAL
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility, default=Visibility.PUBLIC
    )
    archived = models.BooleanField(_("archived"), default=False)
    # Optimistic concurrency: an edit form carries the version it was rendered with, and the save
    # succeeds only while the row still has it (a conditional UPDATE in objectives/services.py).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Written once, when the cycle closes: a later change of formula never rewrites history.
    frozen_score = models.DecimalField(
        _("frozen score"), max_digits=5, decimal_places=4, null=True, blank=True, editable=False
    )
    # Stored whenever it changes (objectives/stored_scores.py), so that pages add them up
    # instead of scoring thousands of key results: the progress (with no key results: the mean
    # of the aligned objectives'), the score as pages show it (frozen once closed) and its band,
    # the status made of the key results' stored statuses, and how many key results count.
    progress = models.DecimalField(
        _("progress"), **SHARE_DIGITS, null=True, blank=True, editable=False
    )
    score = models.DecimalField(_("score"), **SHARE_DIGITS, null=True, blank=True, editable=False)
    band = models.CharField(
        _("band"), max_length=8, choices=BAND_CHOICES, blank=True, default="", editable=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=STATUS_CHOICES, blank=True, default="", editable=False
    )
    key_result_count = models.PositiveIntegerField(_("key results"), default=0, editable=False)
    # Its key results counted by stored status and band, and how many were last checked in
    # during the latest week any was (a Monday): pages that add up a whole cycle read 12,000
    # objectives instead of 40,000 key results. "Checked in this week" is the count while
    # `checked_week` is this week's Monday, else none: the latest check-in only moves on.
    done_count = models.PositiveIntegerField(default=0, editable=False)
    on_track_count = models.PositiveIntegerField(default=0, editable=False)
    at_risk_count = models.PositiveIntegerField(default=0, editable=False)
    behind_count = models.PositiveIntegerField(default=0, editable=False)
    red_count = models.PositiveIntegerField(default=0, editable=False)
    yellow_count = models.PositiveIntegerField(default=0, editable=False)
    green_count = models.PositiveIntegerField(default=0, editable=False)
    checked_week = models.DateField(null=True, blank=True, editable=False)
    checked_week_count = models.PositiveIntegerField(default=0, editable=False)
    carried_over_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_over_copies",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_team__isnull=False, owner_user__isnull=True)
                | Q(owner_team__isnull=True, owner_user__isnull=False),
                name="objective_exactly_one_owner",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="objective_not_own_parent"),
            models.CheckConstraint(
                condition=Q(objective_type__in=ObjectiveType.values),
                name="objective_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "private"]), name="objective_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(frozen_score__isnull=True)
                | Q(frozen_score__gte=0, frozen_score__lte=1),
                name="objective_frozen_score_range",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "owner_team"]),
            models.Index(fields=["parent"]),
            # Which private objectives a viewer may see (dashboards/cache.py asks on every
            # cached page): the few private rows, not the whole table.
            models.Index(
                fields=["owner_user", "owner_team"],
                condition=Q(visibility="private", archived=False),
                name="objective_private_owners",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def level(self) -> str:
        """Company, team or individual; reads owner_team, so select it with the objective."""
        if self.owner_user_id:
            return self.Level.INDIVIDUAL
        return self.Level.COMPANY if self.owner_team.is_root else self.Level.TEAM

    @property
    def owner_name(self) -> str:
        return self.owner_user.name if self.owner_user_id else self.owner_team.name

    def alignment_errors(self, parent: "Objective | None") -> list[str]:
        """Why `parent` cannot be the parent of this objective (empty when it can).

        A parent lives in the same cycle and never makes a loop: walking up from the parent must
        not reach the objective itself.
        """
        if parent is None:
            return []
        if parent.cycle_id != self.cycle_id:
            return [_("The parent objective must be in the same cycle.")]
        if self.pk is None:
            return []
        if parent.pk == self.pk:
            return [_("An objective cannot be its own parent.")]
        seen: set[int] = {parent.pk}
        ancestor_id = parent.parent_id
        while ancestor_id is not None:
            if ancestor_id == self.pk:
                return [
                    _("That parent would make a loop: it is already aligned under this objective.")
                ]
            if ancestor_id in seen:  # a loop that predates this check; refuse to add to it
                return [_("That parent is part of a broken alignment chain.")]
            seen.add(ancestor_id)
            ancestor_id = (
                type(self)
                .objects.filter(pk=ancestor_id)
                .values_list("parent_id", flat=True)
                .first()
            )
        return []

    def clean(self) -> None:
        if self.parent_id and self.cycle_id:
            errors = self.alignment_errors(self.parent)
            if errors:
                raise ValidationError({"parent": errors})


class KeyResult(models.Model):
    Kind = KeyResultKind

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="key_results"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=KeyResultKind, default=KeyResultKind.METRIC
    )
    unit = models.CharField(_("unit"), max_length=24, blank=True)
    start_value = models.DecimalField(_("start value"), **VALUE_DIGITS, default=Decimal(0))
    target_value = models.DecimalField(_("target value"), **VALUE_DIGITS)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal(1))
    order = models.PositiveIntegerField(_("order"), default=0)
    archived = models.BooleanField(_("archived"), default=False)
    # Optimistic concurrency: an edit form carries the version it was rendered with, and the save
    # succeeds only while the row still has it (a conditional UPDATE in objectives/services.py).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Denormalised from the latest check-in, written in the same transaction as the check-in.
    current_value = models.DecimalField(
        _("current value"), **VALUE_DIGITS, null=True, blank=True, editable=False
    )
    last_confidence = models.PositiveSmallIntegerField(
        _("last confidence"), null=True, blank=True, editable=False
    )
    last_checkin_at = models.DateTimeField(
        _("last check-in"), null=True, blank=True, editable=False
    )
    # How many check-ins it has and how many met its target: a keep-the-level key result's
    # progress (at_least / at_most). Kept by database triggers (dashboards/db_triggers.py)
    # whenever a check-in is written or deleted and whenever the kind or target changes, whoever
    # writes, so pages read them instead of counting; never set them from Python.
    checkins_total = models.PositiveIntegerField(_("check-ins"), default=0, editable=False)
    checkins_met = models.PositiveIntegerField(
        _("check-ins meeting the target"), default=0, editable=False
    )
    # Stored whenever one of the columns above or its objective's type changes, and for the
    # status whenever `status_until` comes (objectives/stored_scores.py): pages read these.
    progress = models.DecimalField(
        _("progress"), **SHARE_DIGITS, default=Decimal(0), editable=False
    )
    score = models.DecimalField(_("score"), **SHARE_DIGITS, default=Decimal(0), editable=False)
    band = models.CharField(
        _("band"), max_length=8, choices=BAND_CHOICES, default="red", editable=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=STATUS_CHOICES, default="on_track", editable=False
    )
    no_update = models.BooleanField(_("no update"), default=False, editable=False)
    # The first day the stored status may no longer hold (scoring.kr_status_changes_on); None:
    # it holds until the key result changes.
    status_until = models.DateField(_("status good until"), null=True, blank=True, editable=False)
    # Set by the owner while the cycle is grading.
    final_grade = models.DecimalField(
        _("final grade"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    grade_note = models.TextField(_("retrospective note"), blank=True)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True, editable=False)
    graded_by = models.ForeignKey(
        User,
        verbose_name=_("graded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Written once, when the cycle closes (kr_score of progress and final grade at that moment).
    frozen_score = models.DecimalField(
        _("frozen score"), max_digits=5, decimal_places=4, null=True, blank=True, editable=False
    )
    # When it was written down: silence ("no update") counts from here or the cycle's start,
    # whichever is later. A default rather than auto_now_add, so that a key result planned
    # before today (the demo's quarter) can say so.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["objective", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="kr_weight_positive"),
            models.CheckConstraint(
                condition=~Q(kind="metric") | ~Q(target_value=F("start_value")),
                name="kr_metric_target_differs_from_start",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=KeyResultKind.values), name="kr_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(last_confidence__isnull=True)
                | Q(last_confidence__gte=1, last_confidence__lte=5),
                name="kr_last_confidence_range",
            ),
            models.CheckConstraint(
                condition=Q(final_grade__isnull=True) | Q(final_grade__gte=0, final_grade__lte=1),
                name="kr_final_grade_range",
            ),
            models.CheckConstraint(
                condition=Q(frozen_score__isnull=True)
                | Q(frozen_score__gte=0, frozen_score__lte=1),
                name="kr_frozen_score_range",
            ),
            models.CheckConstraint(
                condition=Q(start_value__gte=-MAX_ABS_VALUE, start_value__lte=MAX_ABS_VALUE)
                & Q(target_value__gte=-MAX_ABS_VALUE, target_value__lte=MAX_ABS_VALUE),
                name="kr_values_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "objective"]),
            # The periodic refresh asks for the few statuses whose day has come.
            models.Index(
                fields=["status_until"],
                condition=Q(status_until__isnull=False),
                name="kr_status_until",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.kind == self.Kind.METRIC
            and self.target_value is not None
            and self.start_value is not None
            and self.target_value == self.start_value
        ):
            raise ValidationError(
                {"target_value": _("The target must differ from the start value.")}
            )


class ObjectiveReflection(models.Model):
    """The retrospective of one objective, written while its cycle is grading."""

    class Decision(models.TextChoices):
        KEEP = "keep", _("keep")
        CHANGE = "change", _("change")
        DROP = "drop", _("drop")

    objective = models.OneToOneField(Objective, on_delete=models.CASCADE, related_name="reflection")
    what_worked = models.TextField(_("what worked"), blank=True)
    what_did_not = models.TextField(_("what did not work"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    decision = models.CharField(_("next cycle"), max_length=8, choices=Decision)
    author = models.ForeignKey(
        User, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["keep", "change", "drop"]),
                name="reflection_decision_valid",
            ),
        ]

    def __str__(self) -> str:
        return _("Reflection on %(title)s") % {"title": self.objective}


class ObjectiveTemplate(models.Model):
    """A ready-made objective with its key results, to start planning from.

    The library ships with the application (migration 0004 loads it, `library_key` naming each
    one); admins add their own by saving an objective as a template (`library_key` empty).
    """

    class Department(models.TextChoices):
        SALES = "sales", _("sales")
        MARKETING = "marketing", _("marketing")
        PRODUCT = "product", _("product")
        ENGINEERING = "engineering", _("engineering")
        CUSTOMER_SUCCESS = "customer_success", _("customer success")
        PEOPLE = "people", _("people (HR)")
        FINANCE_OPERATIONS = "finance_operations", _("finance and operations")
        LEADERSHIP = "leadership", _("leadership")

    Level = Objective.Level
    Type = ObjectiveType

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    department = models.CharField(_("department"), max_length=32, choices=Department)
    level = models.CharField(_("level"), max_length=16, choices=Objective.Level)
    objective_type = models.CharField(
        _("type"), max_length=16, choices=ObjectiveType, default=ObjectiveType.ASPIRATIONAL
    )
    library_key = models.SlugField(
        _("library key"), max_length=80, unique=True, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["department", "level", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    department__in=[
                        "sales",
                        "marketing",
                        "product",
                        "engineering",
                        "customer_success",
                        "people",
                        "finance_operations",
                        "leadership",
                    ]
                ),
                name="template_department_valid",
            ),
            models.CheckConstraint(
                condition=Q(level__in=["company", "team", "individual"]),
                name="template_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(objective_type__in=ObjectiveType.values),
                name="template_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ObjectiveTemplateKeyResult(models.Model):
    template = models.ForeignKey(
        ObjectiveTemplate, on_delete=models.CASCADE, related_name="key_results"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=KeyResultKind, default=KeyResultKind.METRIC
    )
    unit = models.CharField(_("unit"), max_length=24, blank=True)
    start_value = models.DecimalField(_("start value"), **VALUE_DIGITS, default=Decimal(0))
    target_value = models.DecimalField(_("target value"), **VALUE_DIGITS)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal(1))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["template", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="template_kr_weight_positive"),
            models.CheckConstraint(
                condition=~Q(kind="metric") | ~Q(target_value=F("start_value")),
                name="template_kr_target_differs_from_start",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=KeyResultKind.values), name="template_kr_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title
