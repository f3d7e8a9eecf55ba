"""What operations asks of a running avvik: is it ready to serve (database, schema, configuration), how is the
work flowing (open and overdue tasks, timer lag, the outbox, the worker's heartbeat). Read by /api/v1/ready,
/metrics and `avvik doctor`; every message is Swedish and says what to fix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine.bindings import INTAKE
from engine.store import bindings as binding_store
from engine.store import ops as ops_store
from engine.store.db import Database
from engine.store.models import WorkerHeartbeat
from engine.store.schema import current_revision, head_revision

__all__ = ["Check", "readiness", "snapshot", "heartbeat_check", "STALE_AFTER_ROUNDS", "STALE_GRACE"]

# A worker whose last beat is older than this many rounds (plus the grace) has stopped or hangs.
STALE_AFTER_ROUNDS = 3
STALE_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class Check:
    code: str  # stable, machine-readable: ok when ok, else what is wrong
    ok: bool
    message: str  # Swedish: what was found, and when not ok, what to do about it

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "ok": self.ok, "message": self.message}


def _database(db: Database) -> Check:
    reason = ops_store.unreachable(db)
    if reason is not None:
        return Check("database_unreachable", False, f"Databasen nås inte ({reason}). Kontrollera AVVIK_DATABASE_URL "
                                                    "och att databasservern är igång.")
    return Check("database", True, f"Databasen nås ({db.dialect}).")


def _schema(db: Database) -> Check:
    current, head = current_revision(db), head_revision()
    if current == head:
        return Check("schema", True, f"Databasens schema är på senaste versionen ({head}).")
    if current is None:
        return Check("schema_missing", False, "Databasen har inget schema. Kör `avvik db upgrade`.")
    return Check("schema_outdated", False, f"Databasens schema är på version {current}, den här versionen av avvik "
                                           f"kräver {head}. Kör `avvik db upgrade` innan nya API-processer startas.")


def _configuration(db: Database) -> Check:
    with db.transaction() as session:
        active = binding_store.active_release_ids(session, INTAKE)
    if not active:
        return Check("no_active_configuration", False, "Ingen release är aktiv, så ingen kan rapportera. Publicera "
                                                       "och aktivera en: `avvik release publish` och `avvik release "
                                                       "activate HASH --unit REGION`.")
    return Check("configuration", True, f"{len(active)} release(r) är aktiva för rapportering.")


def readiness(db: Database) -> list[Check]:
    """Database reachable, schema at the newest migration, a release active for reporting; checks that need
    what an earlier one found missing are not run."""
    checks = [_database(db)]
    if checks[-1].ok:
        checks.append(_schema(db))
    if checks[-1].ok:
        checks.append(_configuration(db))
    return checks


def heartbeat_check(beat: WorkerHeartbeat | None, now: datetime) -> Check:
    if beat is None:
        return Check("worker_missing", False, "Ingen `avvik worker` har körts mot databasen: tidsfrister, eskaleringar "
                                              "och e-post går inte. Starta avvik-worker.service.")
    age = now - beat.beat_at
    if age > timedelta(milliseconds=beat.interval_ms * STALE_AFTER_ROUNDS) + STALE_GRACE:
        return Check("worker_stale", False, f"Arbetaren {beat.worker_id} hördes senast för {int(age.total_seconds())} "
                                            "sekunder sedan: den har stannat eller hänger. Kontrollera avvik-worker"
                                            ".service och dess logg.")
    return Check("worker", True, f"Arbetaren {beat.worker_id} hördes för {int(age.total_seconds())} sekunder sedan.")


def snapshot(session: Any, now: datetime) -> dict[str, Any]:
    """The gauges /metrics computes at each scrape: each from one indexed query."""
    def age(moment: datetime | None) -> float:
        return max(0.0, (now - moment).total_seconds()) if moment else 0.0

    beat = ops_store.newest_beat(session)
    return {
        "tasks": ops_store.open_tasks_per_area(session, now),
        "timer_lag_s": age(ops_store.oldest_due_timer(session, now)),
        "outbox": ops_store.outbox_counts(session),
        "outbox_oldest_s": age(ops_store.oldest_pending_notification(session)),
        "heartbeat_age_s": age(beat.beat_at) if beat else None,
    }
