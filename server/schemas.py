"""Request and response schemas. Requests refuse unknown fields; responses document the API (OpenAPI)."""

from __future__ import annotations

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, validate


class Whole(validate.Regexp):
    """A Regexp that must match the whole value: with re.match, `$` also matches before a trailing newline, so
    'AVV-2026-000001\n' would pass. The documented pattern stays the portable `^…$`."""

    def __call__(self, value: str) -> str:  # type: ignore[override]
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


# PREFIX-YYYY-NNNNNN: the legal entity's series (AVV before entities)
EVENT_NUMBER = r"^[A-Z][A-Z0-9]{1,5}-\d{4}-\d{6}$"
RELEASE_HASH = r"^[0-9a-f]{64}$"


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


# --- requests ---------------------------------------------------------------------------------------------

class PageIn(StrictSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class EventFilterIn(PageIn):
    unit = fields.String(validate=validate.Length(max=64))
    area = fields.String(validate=validate.Length(max=40))
    status = fields.String(validate=validate.OneOf(["submitted", "in_progress", "closed"]))
    text = fields.String(validate=validate.Length(max=200))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv", "xlsx"]),
                           metadata={"description": "json (a page), or the whole list up to 10 000 events as a "
                                                    "download: csv (UTF-8 with BOM, ';') or xlsx"})


class WorklistIn(PageIn):
    scope = fields.String(load_default="available", validate=validate.OneOf(["mine", "available"]))
    area = fields.String(validate=validate.Length(min=1, max=40), metadata={"description": "Bara detta område"})
    unit = fields.String(validate=validate.Length(min=1, max=64),
                         metadata={"description": "Bara uppgifter på enheten och enheterna under den"})
    overdue = fields.Boolean(load_default=False, metadata={"description": "Bara uppgifter som passerat sin tid"})


class ReportIn(StrictSchema):
    unit_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    data = fields.Dict(required=True, metadata={"description": "Intake form data; schema at GET /forms/intake"})


class FeedbackIn(StrictSchema):
    data = fields.Dict(required=True, metadata={"description": "Feedback form data; schema at GET /forms/feedback"})


class CompleteIn(StrictSchema):
    data = fields.Dict(required=True, metadata={"description": "The task's form data (GET /tasks/{id} has the schema)"})
    case_version = fields.Integer(
        validate=validate.Range(min=0),
        metadata={"description": "case_version from GET /tasks/{id}; a newer case gives 409 stale"}
    )


class AssignIn(StrictSchema):
    user = fields.String(required=True, validate=validate.Length(min=1, max=100))


_AREA_CHOICE = ("The area case the action belongs to; default: the only area the caller handles on the event "
                "(else 422 on area)")


class ActionIn(StrictSchema):
    data = fields.Dict(required=True, metadata={"description": "Action form data; schema at GET /forms/action"})
    area = fields.String(validate=validate.Length(min=1, max=40), load_default=None,
                         metadata={"description": _AREA_CHOICE})


class TransitionIn(StrictSchema):
    to = fields.String(required=True, validate=validate.Length(min=1, max=40))
    note = fields.String(validate=validate.Length(max=5000), load_default=None,
                         metadata={"description": "Motivation (avbruten) or what the effect evaluation showed"})
    result = fields.String(load_default=None, validate=validate.OneOf(["effektiv", "delvis", "ej_effektiv"]),
                           metadata={"description": "Required with to=effekt_utvarderad; ej_effektiv creates a "
                                                    "follow-up action (status foreslagen), returned as follow_up"})
    version = fields.Integer(validate=validate.Range(min=0),
                             metadata={"description": "The action's version as read; a newer one gives 409 stale"})


class LinkIn(StrictSchema):
    event = fields.String(required=True, validate=Whole(EVENT_NUMBER))
    area = fields.String(validate=validate.Length(min=1, max=40), load_default=None,
                         metadata={"description": _AREA_CHOICE})


class AreaChangeIn(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class AreaAddIn(AreaChangeIn):
    area = fields.String(required=True, validate=validate.Length(min=1, max=40))


class ReopenIn(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    area = fields.String(validate=validate.Length(min=1, max=40), load_default=None,
                         metadata={"description": "The closed area case to reopen; default: the only closed one"})


class RenameIn(StrictSchema):
    previous_title = fields.String(required=True, validate=validate.Length(max=200),
                                   metadata={"description": "The title the handler saw; another one is 409 stale."})
    title = fields.String(required=True, validate=validate.Length(min=3, max=120))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class FormatIn(StrictSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "pdf"]),
                           metadata={"description": "json (standard) or pdf"})


class AnnualIn(FormatIn):
    entity = fields.String(required=True, validate=validate.Length(min=1, max=64),
                           metadata={"description": "The legal entity: the root unit's id (e.g. rs)"})
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class DecisionReferenceIn(StrictSchema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=200),
                              metadata={"description": "The authority's case number (e.g. IVO's diarienummer)"})


class AuditIn(StrictSchema):
    event = fields.String(required=True, validate=Whole(EVENT_NUMBER))


class ReleaseUploadIn(StrictSchema):
    label = fields.String(validate=validate.Length(max=200), load_default=None)


class MigrateIn(StrictSchema):
    area = fields.String(required=True, validate=validate.Length(min=1, max=40))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=60))
    release = fields.String(required=True, validate=Whole(RELEASE_HASH))
    dry_run = fields.Boolean(load_default=True)


class BindingIn(StrictSchema):
    release = fields.String(required=True, validate=Whole(RELEASE_HASH))
    variant = fields.String(load_default="standard", validate=validate.Length(min=1, max=64))


class FilePathIn(StrictSchema):
    path = fields.String(required=True, validate=validate.Length(min=1, max=300),
                         metadata={"description": "The file's path in the release, e.g. processes/vard/vard.bpmn"})


class EditIn(StrictSchema):
    files = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=300)), values=fields.String(),
                        load_default=dict, metadata={"description": "Changed or new files: path -> UTF-8 text"})
    removed = fields.List(fields.String(validate=validate.Length(min=1, max=300)), load_default=list,
                          validate=validate.Length(max=2000), metadata={"description": "Paths to leave out"})


class FormPreviewIn(EditIn):
    path = fields.String(required=True, validate=validate.Length(min=1, max=300),
                         metadata={"description": "The form to show, e.g. processes/vard/forms/vard_triage.json"})


class EditPublishIn(EditIn):
    label = fields.String(validate=validate.Length(max=200), load_default=None)


class PilotIn(StrictSchema):
    units = fields.List(fields.String(validate=validate.Length(min=1, max=60)), required=True,
                        validate=validate.Length(min=1, max=50))
    dry_run = fields.Boolean(load_default=True, metadata={"description": "true: only say what would change"})


class OverlayIn(StrictSchema):
    value = fields.Raw(required=True, allow_none=False, metadata={
        "description": "Must pass the variable's declaration in area.yaml (type and bounds); else 422 on value"})


# --- responses ----------------------------------------------------------------------------------------------

class FieldErrorOut(Schema):
    path = fields.String(required=True, metadata={"description": "Where: 'data/drabbade/0'; '' is the whole body"})
    message = fields.String(required=True)


class ErrorOut(Schema):
    """Every 4xx/5xx. Which extra members appear depends on the code (engine/errors.py); more may be added."""

    class Meta:
        unknown = INCLUDE

    code = fields.String(required=True, metadata={"description": "Stable, machine-readable (e.g. not_ready)"})
    message = fields.String(required=True, metadata={"description": "Swedish, for the person"})
    errors = fields.List(fields.Nested(FieldErrorOut), metadata={"description": "validation_failed: each field"})
    findings = fields.List(fields.Dict(), metadata={"description": "definition_invalid: file, line, element, fix"})
    allowed = fields.List(fields.String(), metadata={"description": "illegal_transition: the statuses allowed next"})
    unmet = fields.List(fields.Dict(), metadata={"description": "closure_blocked: the closing rules not met"})
    required_role = fields.String(metadata={"description": "forbidden: the role the step needs"})
    assignee = fields.String(allow_none=True, metadata={"description": "not_ready: who holds the task"})
    outcome = fields.String(allow_none=True, metadata={"description": "not_ready: how the task ended"})
    request_id = fields.String(metadata={"description": "The request's id (X-Request-ID): quote it to trace the error"})
    checks = fields.List(fields.Nested("CheckOut"), metadata={"description": "not_ready: every readiness check"})
    reason = fields.String(metadata={"description": "process_fault: e.g. resources"})


class AreaCaseOut(Schema):
    id = fields.Integer()
    area = fields.String()
    area_name = fields.String()
    status = fields.String()
    status_label = fields.String()
    unit_id = fields.String(metadata={"description": "The unit handling the case (after a move: the new one)"})
    version = fields.Integer()
    closed_at = fields.String(allow_none=True)
    release = fields.String()


class EventLinkOut(Schema):
    number = fields.String()
    title = fields.String()


class TaskOut(Schema):
    id = fields.String()
    name = fields.String()
    spec_name = fields.String()
    event_number = fields.String()
    event_title = fields.String()
    area = fields.String()
    area_case_id = fields.Integer()
    role = fields.String()
    unit_id = fields.String()
    due_at = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    created_at = fields.String()
    ended_at = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True, metadata={"description": "completed, cancelled or moved"})
    ended_by = fields.String(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "Why it ended, e.g. the move and its reason"})


class WorkTaskOut(TaskOut):
    on_behalf_of = fields.String(allow_none=True, metadata={
        "description": "Whom the caller works this task for: the principal they are deputy for, else null"})


class TaskDetailOut(WorkTaskOut):
    instructions = fields.String(allow_none=True)
    schema = fields.Dict(allow_none=True)
    ui_schema = fields.Dict(allow_none=True)
    data = fields.Dict()
    case_version = fields.Integer()


class ActionAreaOut(Schema):
    event_number = fields.String()
    area = fields.String()
    status = fields.String()


class EffectOut(Schema):
    result = fields.String()
    result_label = fields.String()
    note = fields.String(allow_none=True)


class ActionOut(Schema):
    id = fields.Integer()
    title = fields.String()
    type = fields.String()
    description = fields.String(allow_none=True)
    expected_effect = fields.String(allow_none=True)
    owner = fields.String(allow_none=True)
    due_date = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    motivation = fields.String(allow_none=True)
    version = fields.Integer()
    events = fields.List(fields.Nested(EventLinkOut))
    areas = fields.List(fields.Nested(ActionAreaOut))
    effect = fields.Nested(EffectOut, allow_none=True)
    follow_up_of = fields.Integer(allow_none=True)
    follow_up = fields.Nested(lambda: ActionOut(), metadata={"description": "The follow-up an ej_effektiv "
                                                                           "evaluation created"})


class DecisionOut(Schema):
    id = fields.Integer()
    area_case_id = fields.Integer()
    kind = fields.String()
    value = fields.String()
    reference = fields.String(allow_none=True)
    motivation = fields.String(allow_none=True)
    decided_by = fields.String()
    decided_at = fields.String()


class HistoryOut(Schema):
    at = fields.String()
    actor = fields.String(allow_none=True)
    on_behalf_of = fields.String(allow_none=True, metadata={"description": "The principal, when a deputy acted"})
    entity = fields.String()
    entity_id = fields.String()
    operation = fields.String()
    event_number = fields.String(allow_none=True)
    event_title = fields.String(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class ReadOut(Schema):
    at = fields.String()
    actor = fields.String()
    event_number = fields.String()
    purpose = fields.String()


class EventOut(Schema):
    number = fields.String()
    title = fields.String()
    kind = fields.String()
    status = fields.String()
    status_label = fields.String()
    unit_id = fields.String()
    created_at = fields.String()
    areas = fields.List(fields.Nested(AreaCaseOut))


class FeedbackOut(Schema):
    area = fields.String()
    text = fields.String(allow_none=True)
    date = fields.String(allow_none=True)


class EventRelationOut(Schema):
    id = fields.Integer()
    type = fields.String(metadata={"description": "duplicate_of, lab_deviation_for, complaint_about or related"})
    direction = fields.String(metadata={"description": "outgoing: this event links the other; incoming: linked"})
    label = fields.String()
    number = fields.String()
    title = fields.String()
    status = fields.String()
    created_by = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)


class EventRelationIn(StrictSchema):
    type = fields.String(required=True, metadata={"description": "duplicate_of, lab_deviation_for, "
                                                                 "complaint_about or related"})
    number = fields.String(required=True, validate=validate.Length(min=1, max=40))


class MoveOut(Schema):
    area = fields.String()
    from_unit = fields.String(allow_none=True)
    to_unit = fields.String()
    at = fields.String(allow_none=True)
    message = fields.String()


class EventAccessOut(Schema):
    handler = fields.Boolean(metadata={"description": "The caller reads at least one area of the event"})
    reporter = fields.Boolean()
    protected = fields.Boolean(metadata={"description": "Protected fields are shown (and the read is logged)"})
    writable_areas = fields.List(fields.String())
    may_hold = fields.Boolean(metadata={"description": "The caller may place and lift legal holds on the event"})


class AttachmentOut(Schema):
    id = fields.Integer()
    target = fields.String(metadata={"description": "event | area_case | action | task"})
    area = fields.String(allow_none=True)
    action_id = fields.Integer(allow_none=True)
    task_id = fields.String(allow_none=True)
    filename = fields.String(metadata={"description": "A classified file's name only to who may open it"})
    media_type = fields.String(metadata={"description": "Detected from the content, not the name"})
    media_label = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    classification = fields.String(metadata={"description": "allman | personuppgifter | sekretess"})
    classification_label = fields.String()
    uploaded_by = fields.String()
    created_at = fields.String()


class AttachmentIn(Schema):
    """multipart/form-data: the file part `file` and the text part `classification`."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
    classification = fields.String(required=True, validate=validate.OneOf(["allman", "personuppgifter", "sekretess"]))


class HoldOut(Schema):
    id = fields.Integer()
    reason = fields.String()
    placed_by = fields.String()
    role = fields.String()
    created_at = fields.String()
    active = fields.Boolean()
    lifted_by = fields.String(allow_none=True)
    lifted_at = fields.String(allow_none=True)


class HoldIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class EventDetailOut(EventOut):
    access = fields.Nested(EventAccessOut)
    links = fields.List(fields.Nested(EventRelationOut))
    moves = fields.List(fields.Nested(MoveOut))
    actions = fields.List(fields.Nested(ActionOut))
    feedback = fields.List(fields.Nested(FeedbackOut))
    report = fields.Dict()
    case_data = fields.Dict()
    open_tasks = fields.List(fields.Nested(TaskOut))
    task_history = fields.List(fields.Nested(TaskOut))
    decisions = fields.List(fields.Nested(DecisionOut))
    history = fields.List(fields.Nested(HistoryOut))
    attachments = fields.List(fields.Nested(AttachmentOut))
    holds = fields.List(fields.Nested(HoldOut))


class EventPageOut(Schema):
    items = fields.List(fields.Nested(EventOut))
    total = fields.Integer()
    total_capped = fields.Boolean(metadata={"description": "true: there are more than `total` events"})
    limit = fields.Integer()
    offset = fields.Integer()


class CompleteOut(Schema):
    event_number = fields.String()
    event_title = fields.String()
    event_status = fields.String()
    case = fields.Nested(AreaCaseOut)
    next_tasks = fields.List(fields.Nested(TaskOut))


class BlockingActionOut(Schema):
    id = fields.Integer()
    title = fields.String()
    status = fields.String()
    status_label = fields.String()
    owner = fields.String(allow_none=True)


class RuleOut(Schema):
    id = fields.String()
    met = fields.Boolean()
    applies = fields.Boolean()
    message = fields.String()
    actions = fields.List(fields.Nested(BlockingActionOut),
                          metadata={"description": "actions_terminal rules: each action not yet terminal"})


class ClosureOut(Schema):
    area = fields.String()
    status = fields.String()
    can_close = fields.Boolean()
    rules = fields.List(fields.Nested(RuleOut))


class GrantOut(Schema):
    role = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    on_behalf_of = fields.String(allow_none=True, metadata={"description": "A deputy's grant: held for this user"})
    reads = fields.List(fields.String(), metadata={"description": "Områden rollen läser under enheten"})
    works_in = fields.List(fields.String(), metadata={"description": "Områden rollen arbetar i (skriver)"})
    protected = fields.List(fields.String(), metadata={"description": "Områden där skyddade uppgifter visas"})


class MeOut(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String(allow_none=True)
    grants = fields.List(fields.Nested(GrantOut))


class RoleOut(Schema):
    id = fields.String()
    name = fields.String()
    areas = fields.List(fields.String())


class UnitOut(Schema):
    id = fields.String()
    name = fields.String()
    parent = fields.String(allow_none=True)
    kind = fields.String()
    cfar = fields.String(allow_none=True)


class FormIn(StrictSchema):
    unit = fields.String(validate=validate.Length(min=1, max=60),
                         metadata={"description": "Enheten vars aktiva konfiguration formuläret hämtas ur"})


class FormOut(Schema):
    schema = fields.Dict()
    ui_schema = fields.Dict(allow_none=True)


class PublicEntityOut(Schema):
    id = fields.String(metadata={"description": "The entity's id: POST /public/{id}/feedback"})
    name = fields.String()


class DeputyIn(StrictSchema):
    deputy = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(required=True, validate=validate.Length(min=1, max=64))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=64))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)


class DeputyOut(Schema):
    id = fields.Integer()
    principal = fields.String()
    deputy = fields.String()
    role = fields.String()
    unit_id = fields.String()
    starts_at = fields.String()
    ends_at = fields.String()
    created_by = fields.String()
    direction = fields.String(allow_none=True, metadata={"description": "given (you named the deputy) or received"})


class ReceiptOut(Schema):
    receipt = fields.String(metadata={"description": "Code to follow the case: GET /public/feedback/{receipt}"})
    secret = fields.String(metadata={"description": "Shown once: send it as X-Avvik-Secret to follow the case"})
    message = fields.String()


class AnswerOut(Schema):
    explanation = fields.String(allow_none=True)
    measures = fields.String(allow_none=True)
    date = fields.String(allow_none=True)


class FeedbackStatusOut(Schema):
    receipt = fields.String()
    title = fields.String()
    status = fields.String()
    status_label = fields.String()
    received_at = fields.String()
    answer = fields.Nested(AnswerOut, allow_none=True)


class AuditOut(Schema):
    event_number = fields.String()
    event_title = fields.String()
    changes = fields.List(fields.Nested(HistoryOut))
    reads = fields.List(fields.Nested(ReadOut))


class HealthOut(Schema):
    status = fields.String()
    database = fields.String()


class CheckOut(Schema):
    code = fields.String(metadata={"description": "ok-code when ok, else what is wrong (schema_outdated, …)"})
    ok = fields.Boolean()
    message = fields.String(metadata={"description": "Swedish: what was found and what to do"})


class ReadyOut(Schema):
    status = fields.String(metadata={"description": "ready"})
    checks = fields.List(fields.Nested(CheckOut))


class ReleaseOut(Schema):
    id = fields.Integer()
    hash = fields.String()
    label = fields.String(allow_none=True)
    published_by = fields.String(allow_none=True)
    created_at = fields.String()
    created = fields.Boolean()


class VariableOut(Schema):
    key = fields.String()
    value = fields.Raw()
    from_unit = fields.String(allow_none=True)


class AreaConfigOut(Schema):
    area = fields.String()
    release = fields.String()
    release_label = fields.String(allow_none=True)
    variant = fields.String()
    inherited_from = fields.String(allow_none=True)
    variables = fields.List(fields.Nested(VariableOut))
    error = fields.String()


class IntakeConfigOut(Schema):
    release = fields.String()
    release_label = fields.String(allow_none=True)
    error = fields.String()


class EffectiveConfigOut(Schema):
    unit_id = fields.String()
    intake = fields.Nested(IntakeConfigOut, metadata={"description": "Release of the intake form and routing"})
    areas = fields.List(fields.Nested(AreaConfigOut))


class MigrationCaseOut(Schema):
    event_number = fields.String()
    event_title = fields.String()
    case_id = fields.Integer()
    variant = fields.String()
    from_release = fields.String()
    safe = fields.Boolean()
    moved = fields.Boolean()
    blocking = fields.List(fields.String())
    reason = fields.String()


class MigrationOut(Schema):
    area = fields.String()
    release = fields.String()
    unit_id = fields.String()
    dry_run = fields.Boolean()
    cases = fields.List(fields.Nested(MigrationCaseOut))


class DefinitionFileOut(Schema):
    path = fields.String()
    kind = fields.String(metadata={"description": "bpmn, dmn, form or yaml"})


class VariableDeclarationOut(Schema):
    key = fields.String()
    type = fields.String(metadata={"description": "duration, number, boolean, enum or text"})
    default = fields.Raw()
    min = fields.Raw(allow_none=True)
    max = fields.Raw(allow_none=True)
    values = fields.List(fields.Raw())
    description = fields.String(allow_none=True)


class ActiveAreaOut(Schema):
    area = fields.String(metadata={"description": "An area id, or 'intake' for the intake form and routing"})
    name = fields.String()
    release = fields.String()
    release_label = fields.String(allow_none=True)
    variant = fields.String()
    files = fields.List(fields.Nested(DefinitionFileOut))
    variables = fields.List(fields.Nested(VariableDeclarationOut))
    error = fields.String(metadata={"description": "Swedish: why the unit runs nothing of the area"})


class ActiveDefinitionsOut(Schema):
    unit_id = fields.String()
    areas = fields.List(fields.Nested(ActiveAreaOut))


class ReleaseFileOut(Schema):
    release = fields.String()
    path = fields.String()
    kind = fields.String()
    content = fields.String()


class FindingOut(Schema):
    severity = fields.String(metadata={"description": "error (blocks publishing) or warning"})
    code = fields.String()
    file = fields.String()
    message = fields.String(metadata={"description": "Swedish"})
    fix = fields.String(metadata={"description": "Swedish: what to change"})
    line = fields.Integer(allow_none=True)
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)


class ValidationOut(Schema):
    errors = fields.Integer()
    warnings = fields.Integer()
    findings = fields.List(fields.Nested(FindingOut))


class FileChangeOut(Schema):
    path = fields.String()
    change = fields.String(metadata={"description": "added, changed or removed"})


class VariableChangeOut(Schema):
    key = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    from_unit = fields.String(allow_none=True, metadata={"description": "Whose overlay gives the new value"})


class PilotAreaOut(Schema):
    area = fields.String()
    from_release = fields.String(allow_none=True)
    to_release = fields.String()
    from_variant = fields.String(allow_none=True)
    to_variant = fields.String()
    files = fields.List(fields.Nested(FileChangeOut))
    variables = fields.List(fields.Nested(VariableChangeOut))
    migration = fields.List(fields.Nested(MigrationCaseOut), allow_none=True, metadata={
        "description": "The open cases a migration to the release would move (dry run); null: no change"})


class PilotUnitOut(Schema):
    unit_id = fields.String()
    unit_name = fields.String()
    areas = fields.List(fields.Nested(PilotAreaOut))


class PilotOut(Schema):
    release = fields.String()
    dry_run = fields.Boolean()
    units = fields.List(fields.Nested(PilotUnitOut))


class ExportFieldOut(Schema):
    target = fields.String()
    section = fields.String()
    label = fields.String()
    value = fields.Raw(allow_none=True)
    verified = fields.Boolean(metadata={"description": "false: not checked against the authority's form"})
    missing = fields.Boolean()


class ExportSectionOut(Schema):
    id = fields.String()
    title = fields.String()


class ExportOut(Schema):
    export = fields.String()
    area = fields.String()
    title = fields.String()
    authority = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    event_number = fields.String()
    event_title = fields.String()
    generated_at = fields.String()
    document = fields.Dict()
    fields_ = fields.List(fields.Nested(ExportFieldOut), data_key="fields", attribute="fields")
    sections = fields.List(fields.Nested(ExportSectionOut))
    missing = fields.List(fields.String(), metadata={"description": "Fields without a value: fill in by hand"})
    attachments = fields.Integer(metadata={"description": "How many files the event has in avvik"})


class MissingFieldOut(Schema):
    field = fields.String()
    label = fields.String()


class AvailableExportOut(Schema):
    area = fields.String()
    area_name = fields.String()
    export = fields.String()
    title = fields.String()
    authority = fields.String(allow_none=True)
    missing = fields.List(fields.Nested(MissingFieldOut))


class EntityOut(Schema):
    id = fields.String()
    name = fields.String()


class AnnualOut(Schema):
    entity = fields.Nested(EntityOut)
    year = fields.Integer()
    generated_at = fields.String()
    basis = fields.String()
    classification = fields.Dict()
    deviations = fields.Dict()
    notifications = fields.Dict()
    complaints = fields.Dict()
    actions = fields.Dict()


class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    event_number = fields.String(allow_none=True)
    subject = fields.String()
    body = fields.String()
    link = fields.String(metadata={"description": "Path of the page in the web application"})
    created_at = fields.String()
    read_at = fields.String(allow_none=True)


class InboxOut(Schema):
    unread = fields.Integer()
    items = fields.List(fields.Nested(NotificationOut), metadata={"description": "Unread first, then newest first"})


DELIVERIES = ("immediate", "digest", "off")


class NotificationSettingOut(Schema):
    kind = fields.String()
    label = fields.String()
    delivery = fields.String(validate=validate.OneOf(DELIVERIES),
                             metadata={"description": "By e-mail at once, in the daily digest, or only in the app"})
    mandatory = fields.Boolean(metadata={"description": "Always e-mailed at once (deadlines); cannot be changed"})


class NotificationSettingIn(StrictSchema):
    delivery = fields.String(required=True, validate=validate.OneOf(DELIVERIES))


class OutboxQueryIn(StrictSchema):
    status = fields.String(validate=validate.OneOf(("pending", "sent", "dead", "skipped")))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class OutboxItemOut(NotificationOut):
    user_id = fields.String(allow_none=True, metadata={"description": "None: a public complainant's address"})
    status = fields.String()
    digest_on = fields.String(allow_none=True, metadata={"description": "The day of the digest it goes out with"})
    attempts = fields.Integer()
    next_attempt_at = fields.String()
    sent_at = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)


# --- statistics and downloads ----------------------------------------------------------------------------

FORMATS = ["json", "csv", "xlsx"]


class StatsIn(StrictSchema):
    unit = fields.String(validate=validate.Length(max=64), metadata={"description": "The unit's whole subtree"})
    area = fields.String(validate=validate.Length(max=40))
    date_from = fields.Date(data_key="from", metadata={"description": "Reported on or after (YYYY-MM-DD)"})
    date_to = fields.Date(data_key="to", metadata={"description": "Reported on or before (YYYY-MM-DD, inclusive)"})
    category = fields.String(validate=validate.Length(max=64))
    event_type = fields.String(validate=validate.Length(max=40))
    status = fields.String(validate=validate.OneOf(["submitted", "in_progress", "closed"]))
    bucket = fields.String(load_default="month", validate=validate.OneOf(["week", "month", "quarter", "year"]))
    dimensions = fields.String(
        validate=validate.Regexp(r"^[a-z_]+(,[a-z_]+)*$"),
        metadata={"description": "Comma-separated figures to compute (default all): area, unit, category, "
                                 "event_type, consequence_actual, consequence_potential, risk, status, trend"})
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS),
                           metadata={"description": "json, or a download: csv (UTF-8 with BOM, ';') or xlsx"})


class CountOut(Schema):
    key = fields.Raw(allow_none=True, metadata={"description": "The code (string or integer); null: not filled in"})
    label = fields.String()
    count = fields.Integer()


class CountsOut(Schema):
    area = fields.List(fields.Nested(CountOut))
    unit = fields.List(fields.Nested(CountOut))
    category = fields.List(fields.Nested(CountOut))
    event_type = fields.List(fields.Nested(CountOut))
    consequence_actual = fields.List(fields.Nested(CountOut))
    consequence_potential = fields.List(fields.Nested(CountOut))
    risk_level = fields.List(fields.Nested(CountOut))
    status = fields.List(fields.Nested(CountOut))


class RiskCellOut(Schema):
    consequence = fields.Integer()
    consequence_label = fields.String()
    probability = fields.Integer()
    probability_label = fields.String()
    score = fields.Integer()
    level = fields.String(allow_none=True)
    count = fields.Integer()


class PeriodCountOut(Schema):
    period = fields.String()
    count = fields.Integer()


class KeyedPeriodCountOut(PeriodCountOut):
    key = fields.String()
    label = fields.String()


class TrendOut(Schema):
    bucket = fields.String()
    periods = fields.List(fields.Nested(PeriodCountOut))
    by_area = fields.List(fields.Nested(KeyedPeriodCountOut))
    by_unit = fields.List(fields.Nested(KeyedPeriodCountOut), metadata={
        "description": "Per unit directly below the unit asked about (the unit filter, else the deepest unit above "
                       "all the caller reads), each with its subtree"})


class LeadTimeOut(Schema):
    """Median and 90th percentile in hours; over more than 20 000 cases read from 2 %-wide buckets (within 1 %)."""

    cases = fields.Integer()
    median_hours = fields.Float(allow_none=True)
    p90_hours = fields.Float(allow_none=True)


class LeadTimesOut(Schema):
    report_to_triage = fields.Nested(LeadTimeOut)
    report_to_closed = fields.Nested(LeadTimeOut)


class OpenWorkOut(Schema):
    open = fields.Integer()
    overdue = fields.Integer()


class EventRefOut(Schema):
    number = fields.String()
    title = fields.String()


class OverdueActionOut(Schema):
    id = fields.Integer()
    title = fields.String()
    owner = fields.String(allow_none=True)
    due_date = fields.String(allow_none=True)
    days_overdue = fields.Integer(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    events = fields.List(fields.Nested(EventRefOut))


class OpenActionsOut(OpenWorkOut):
    overdue_list = fields.List(fields.Nested(OverdueActionOut),
                               metadata={"description": "The most overdue first, at most 100"})


class LegalReportOut(Schema):
    kind = fields.String()
    label = fields.String()
    made = fields.Integer()
    not_made = fields.Integer()


class TotalOut(Schema):
    cases = fields.Integer(metadata={"description": "Area cases (an event in two areas counts in each)"})
    events = fields.Integer()


class StatsOut(Schema):
    generated_at = fields.String()
    filters = fields.Dict()
    total = fields.Nested(TotalOut)
    counts = fields.Nested(CountsOut)
    risk_matrix = fields.List(fields.Nested(RiskCellOut))
    trend = fields.Nested(TrendOut)
    lead_times = fields.Nested(LeadTimesOut)
    tasks = fields.Nested(OpenWorkOut)
    actions = fields.Nested(OpenActionsOut)
    legal_reports = fields.List(fields.Nested(LegalReportOut))
