"""Annual figures for a care provider's patient safety report (patientsäkerhetsberättelse, PSL 3 kap. 10 §):
per legal entity and year, deviations by area, category (and its class in the mapped classification) and
consequence, lex Maria and lex Sarah notifications, complaints and their outcomes, and actions with their
evaluated effect.

The legal entity is the root unit of the org tree (as engine/moves.py's `_legal_entity`). The definition
(processes/annual_report.yaml) says which roles, held at the root, may read the figures; each figure still
counts only what the caller may read (engine/access.py). The year is the year the event was reported. No
patient identifier is in the figures, so producing them is no read of protected data.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, UTC
from typing import Any

from engine import pdf
from engine.access import CaseAccess, access_for, grants_of
from engine.cases import CASE_STATUS_LABELS
from engine.context import Context
from engine.definitions.annual import AnnualDefinition
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.rules.lifecycle import EFFECT_LABELS, STATUS_LABELS
from engine.store import actions as action_store
from engine.store import cases as case_store
from engine.store import events as event_store
from engine.store import org as org_store
from engine.plaindata import mapping_at

__all__ = ["annual_figures", "annual_figures_pdf", "annual_entities"]

CONSEQUENCE_LABELS = {1: "Mindre", 2: "Måttlig", 3: "Betydande", 4: "Katastrofal", None: "Ej bedömd"}
OUTCOME_LABELS = {"skickat": "Svar skickat", "anonym": "Anonym – inget svar", "overlamnat": "Överlämnat",
                  None: "Ej besvarat"}
UNMAPPED = "ej_mappad"
NOTIFICATIONS = ("lex_maria", "lex_sarah")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _definition(ctx: Context) -> AnnualDefinition:
    _, release = ctx.current_release()
    if release.annual is None:
        raise NotFound("Releasen har ingen definition av årsrapporten (processes/annual_report.yaml).")
    return release.annual


def annual_entities(ctx: Context, actor_id: str) -> list[dict[str, Any]]:
    """The legal entities (root units) where the actor holds a role that may read the annual figures."""
    definition = _definition(ctx)
    roots = {g.unit_id for g in grants_of(ctx, actor_id)
             if g.role in definition.readers and g.unit_path.count("/") == 2}
    units = [org_store.get_unit(ctx.session, u) for u in sorted(roots)]
    return [{"id": u.id, "name": u.name} for u in units if u is not None]


def annual_figures(ctx: Context, entity_id: str, year: int, actor_id: str) -> dict[str, Any]:
    definition = _definition(ctx)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput("Ange ett år mellan 2000 och 2100.", errors=[{"path": "year", "message": "Ogiltigt år."}])
    entity = org_store.get_unit(ctx.session, entity_id)
    if entity is None or entity.path.count("/") != 2:
        raise NotFound("Vårdgivaren (huvudmannen) finns inte. Ange organisationens högsta enhet, t.ex. regionen.")
    grants = grants_of(ctx, actor_id)
    if not any(g.role in definition.readers and g.unit_id == entity.id for g in grants):
        raise PermissionDenied("Årsrapporten kräver en av rollerna " + ", ".join(sorted(definition.readers))
                               + f" på {entity.name}.")
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    readable: list[CaseAccess] = []
    for event in event_store.events_reported_under(ctx.session, entity.path, start, end):
        readable.extend(access_for(ctx, event, actor_id, grants).readable)
    deviations = [c for c in readable if c.case.area in definition.deviation_areas]
    complaints = [c for c in readable if c.case.area == definition.complaint_area]
    return {
        "entity": {"id": entity.id, "name": entity.name},
        "year": year,
        "generated_at": ctx.clock().isoformat(),
        "basis": "Händelser rapporterade under året, i de ärenden du får läsa.",
        "classification": {"id": definition.classification_id, "name": definition.classification_name,
                           "verified": definition.classification_verified,
                           "note": definition.classification_note},
        "deviations": _deviations(definition, deviations),
        "notifications": _notifications(ctx, readable),
        "complaints": _complaints(complaints),
        "actions": _actions(ctx, deviations + complaints),
    }


def annual_figures_pdf(ctx: Context, entity_id: str, year: int, actor_id: str) -> bytes:
    figures = annual_figures(ctx, entity_id, year, actor_id)
    return pdf.render_pdf("annual.html", {**figures, "event_number": None, "event_title": None})


def _deviations(definition: AnnualDefinition, cases: list[CaseAccess]) -> dict[str, Any]:
    by_area: Counter[tuple[str, str]] = Counter()
    by_category: Counter[tuple[str, str, str]] = Counter()
    by_class: Counter[str] = Counter()
    actual: Counter[int | None] = Counter()
    potential: Counter[int | None] = Counter()
    for case in cases:
        area, data = case.case.area, case.case.data
        category = data.get("kategori") if isinstance(data.get("kategori"), str) else None
        klass = definition.class_of(area, category) or UNMAPPED
        risk = mapping_at(data, "riskbedomning")
        by_area[(area, case.definition.area.name)] += 1
        by_category[(area, category or "", klass)] += 1
        by_class[klass] += 1
        actual[_level(risk.get("konsekvens_faktisk"))] += 1
        potential[_level(risk.get("konsekvens_potentiell"))] += 1
    labels = dict(definition.classes) | {UNMAPPED: "Ej mappad"}
    return {
        "total": len(cases),
        "by_area": [{"area": a, "area_name": n, "count": c} for (a, n), c in sorted(by_area.items())],
        "by_category": [{"area": a, "category": cat or None, "class": k, "count": c}
                        for (a, cat, k), c in sorted(by_category.items())],
        "by_class": [{"class": k, "label": labels[k], "count": by_class[k]} for k in labels if by_class[k]],
        "by_consequence": [{"level": level, "label": label, "actual": actual[level], "potential": potential[level]}
                           for level, label in CONSEQUENCE_LABELS.items()],
    }


def _level(value: Any) -> int | None:
    """A consequence level 1–4, or None when not assessed."""
    return value if type(value) is int and value in CONSEQUENCE_LABELS else None


def _notifications(ctx: Context, cases: list[CaseAccess]) -> dict[str, Any]:
    """The lex Maria and lex Sarah decisions to notify IVO ("ja"), with IVO's reference where recorded."""
    by_id = {c.case.id: c for c in cases}
    items: dict[str, list[dict[str, Any]]] = {kind: [] for kind in NOTIFICATIONS}
    for event_id in sorted({c.case.event_id for c in cases}):
        for decision in case_store.decisions_for_event(ctx.session, event_id):
            case = by_id.get(decision.area_case_id)
            if case is None or decision.kind not in items or decision.value != "ja":
                continue
            items[decision.kind].append({"event_number": case.case.event.number, "event_title": case.case.event.title,
                                         "area": case.case.area, "decided_at": decision.decided_at.isoformat(),
                                         "reference": decision.reference})
    return {kind: {"count": len(rows), "items": rows} for kind, rows in items.items()}


def _complaints(cases: list[CaseAccess]) -> dict[str, Any]:
    categories: Counter[str | None] = Counter()
    outcomes: Counter[str | None] = Counter()
    statuses: Counter[str] = Counter()
    patient_safety = 0
    for case in cases:
        data = case.case.data
        investigation = mapping_at(data, "klagomalsutredning")
        answer = mapping_at(data, "svar")
        categories[investigation.get("kategori")] += 1
        outcome = answer.get("status")
        outcomes[outcome if outcome in OUTCOME_LABELS else None] += 1
        statuses[case.case.status] += 1
        patient_safety += investigation.get("patientsakerhetshandelse") is True
    return {
        "total": len(cases),
        "by_category": [{"category": k, "count": c} for k, c in sorted(categories.items(), key=lambda i: str(i[0]))],
        "by_outcome": [{"outcome": k, "label": label, "count": outcomes[k]} for k, label in OUTCOME_LABELS.items()
                       if outcomes[k]],
        "by_status": [{"status": s, "label": CASE_STATUS_LABELS.get(s, s), "count": c}
                      for s, c in sorted(statuses.items())],
        "patient_safety_events": patient_safety,
    }


def _actions(ctx: Context, cases: list[CaseAccess]) -> dict[str, Any]:
    actions = action_store.actions_for_cases(ctx.session, [c.case.id for c in cases])
    statuses = Counter(a.status for a in actions)
    effects = Counter(a.effect_result for a in actions if a.status == "effekt_utvarderad")
    return {
        "total": len(actions),
        "by_status": [{"status": s, "label": label, "count": statuses[s]} for s, label in STATUS_LABELS.items()
                      if statuses[s]],
        "by_effect": [{"result": r, "label": label, "count": effects[r]} for r, label in EFFECT_LABELS.items()],
        "evaluated": sum(effects.values()),
    }
