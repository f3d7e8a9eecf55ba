"""The retention schedule (processes/retention.yaml): how long each record class is kept before it is culled
(gallras), under which decision, as the process owner sets it. Part of the release; `avvik validate` checks it.

    classes:
      vard_avvikelse:                  # an area's retention_class (processes/<area>/area.yaml)
        years: 10                      # counted from when the event's last area case closed
        decision: "Bevarande- och gallringsplan 2024 § 4.2"
      bilagor: {years: 10, decision: …}      # attachments, from the event's closing
      andringslogg: {years: 10, decision: …} # the change log, from each row's time
      lasloggar: {years: 5, decision: …}     # the read log; at least five years (HSLF-FS 2016:40 4 kap. 9 §)
    entities:                          # a legal entity's own periods, over the classes above
      rg: {vard_avvikelse: {years: 12, decision: …}}

A class without both `years` and `decision` is kept ("bevaras tills beslut finns"): nothing is culled without a
decision to cite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["ATTACHMENTS", "CHANGE_LOG", "READ_LOG", "LOG_CLASSES", "LOG_FLOOR_YEARS", "Rule", "Schedule",
           "problems", "parse_schedule", "RETENTION_FILE"]

RETENTION_FILE = "processes/retention.yaml"
ATTACHMENTS, CHANGE_LOG, READ_LOG = "bilagor", "andringslogg", "lasloggar"
LOG_CLASSES = (CHANGE_LOG, READ_LOG)
LOG_FLOOR_YEARS = 5  # HSLF-FS 2016:40 4 kap. 9 § p. 7: "loggarna sparas minst fem år"
_RULE_KEYS = {"years", "decision", "note"}


@dataclass(frozen=True)
class Rule:
    years: int | None
    decision: str | None

    @property
    def culls(self) -> bool:
        return self.years is not None and bool(self.decision)


@dataclass(frozen=True)
class Schedule:
    classes: dict[str, Rule]
    entities: dict[str, dict[str, Rule]]

    def rule(self, record_class: str, entity: str) -> Rule:
        """The entity's own rule, else the schedule's, else keep."""
        return self.entities.get(entity, {}).get(record_class) or self.classes.get(record_class) or Rule(None, None)


def _rule_problems(where: str, name: str, raw: Any) -> list[tuple[tuple[str, ...], str]]:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        return [((name,), f"{where}{name}: ska vara nycklar (years:, decision:).")]
    found: list[tuple[tuple[str, ...], str]] = [((name, key), f"Nyckeln {key}: under {name} är okänd.")
                                                for key in raw if key not in _RULE_KEYS]
    years = raw.get("years")
    if years is not None and (isinstance(years, bool) or not isinstance(years, int) or years < 1):
        found.append(((name, "years"), f"years: under {name} ska vara ett helt antal år, minst 1."))
    elif name in LOG_CLASSES and isinstance(years, int) and years < LOG_FLOOR_YEARS:
        found.append(((name, "years"), f"Loggar ska sparas minst {LOG_FLOOR_YEARS} år (HSLF-FS 2016:40 4 kap. "
                                       f"9 §); {name} har {years}."))
    if raw.get("decision") is not None and not isinstance(raw.get("decision"), str):
        found.append(((name, "decision"), f"decision: under {name} ska vara text (beslutets namn och paragraf)."))
    return found


def problems(raw: Any) -> list[tuple[tuple[str, ...], str]]:
    """Every fault of a loaded retention.yaml, as (key path, Swedish message)."""
    if not isinstance(raw, dict):
        return [((), "Filen ska ha nyckeln classes: med en regel per klass.")]
    found: list[tuple[tuple[str, ...], str]] = [((key,), f"Nyckeln {key}: är okänd; kända är classes: och "
                                                 "entities:.") for key in raw if key not in ("classes", "entities")]
    classes = raw.get("classes") or {}
    if not isinstance(classes, dict):
        return found + [(("classes",), "classes: ska vara en regel per klass.")]
    for name, rule in classes.items():
        found.extend((("classes", *p), m) for p, m in _rule_problems("", str(name), rule))
    entities = raw.get("entities") or {}
    if not isinstance(entities, dict):
        return found + [(("entities",), "entities: ska vara juridiska personer med egna regler.")]
    for entity, rules in entities.items():
        if not isinstance(rules, dict):
            found.append((("entities", str(entity)), f"entities: {entity}: ska vara en regel per klass."))
            continue
        for name, rule in rules.items():
            if name not in classes:
                found.append((("entities", str(entity), str(name)), f"Klassen {name} under {entity} finns inte "
                              "under classes:."))
            found.extend((("entities", str(entity), *p), m) for p, m in _rule_problems(f"{entity}: ", str(name), rule))
    return found


def _rule(raw: Any) -> Rule:
    raw = raw or {}
    return Rule(raw.get("years"), raw.get("decision"))


def parse_schedule(data: bytes | None) -> Schedule:
    """A validated retention.yaml; none at all keeps everything."""
    raw = yaml.safe_load(data) if data else {}
    raw = raw or {}
    return Schedule({str(k): _rule(v) for k, v in (raw.get("classes") or {}).items()},
                    {str(e): {str(k): _rule(v) for k, v in (rules or {}).items()}
                     for e, rules in (raw.get("entities") or {}).items()})
