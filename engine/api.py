"""The engine's public face: one method per use case, each in its own transaction.

Callers (HTTP server, CLI, tests, benchmark) pass identifiers and plain data and get plain data back; they
never see a session. A write that lost a race surfaces as StaleWrite, never as a silent overwrite.

The adapters (server/, the `avvik` command) import this module and no other of the engine: besides Engine it
names the errors and value types they handle and the work on definition files that needs no database.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from collections.abc import Callable, Iterator, Mapping, Sequence

from engine import (actions, annual, bindings, callers, case_summary, case_upgrade, catalog, decision_references,
                    deputies, entities, events, exports, health, links, notifications, org, outbox, pilot,
                    provisioning, ratelimit, receipts, releases, reopening, stats, stats_figures, studio, tables, tasks,
                    timers, triage)
from engine.store import backup as backups
from engine.context import Context, ReleaseRecords
from engine.ratelimit import Quota
from engine.delivery.mail import Outgoing, compose
from engine.delivery.settings import DeliverySettings
from engine.definitions.archive import read_archive
from engine.definitions.files import read_tree
from engine.integrations import cfar, idm
from engine.org import TOKEN_PREFIX
from engine.records import archive, attachments, holds, imports, logs, retention
from engine.records.settings import RecordsSettings
from engine.runtime import clock as spiff_clock
from engine.runtime.workflow_cache import WorkflowCache
from engine.definitions.release import ReleaseCache
from engine.errors import (AuthenticationFailed, AvvikError, Conflict, DefinitionError, InvalidInput, NotFound,
                           PermissionDenied, ProcessFault, RateLimited, SandboxError, StaleWrite, TooLarge,
                           Unavailable)
from engine.doctor import run_all as doctor_checks
from engine.logs import LOGGING_CONFIG
from engine.logs import configure as configure_logging
from engine.records.attachments import Upload
from engine.rules.text import storable, unstorable_paths
from engine.store import ops as ops_store
from engine.store.db import Database, lost_races
from engine.store.schema import upgrade
from engine.store.types import utcnow
from engine.tables import Download, Table

if TYPE_CHECKING:
    from engine.validation.findings import Finding

__all__ = [
    "Engine", "Observer",
    # what the adapters handle: errors (server/errors.py maps them to HTTP statuses) and values
    "AuthenticationFailed", "AvvikError", "Conflict", "DefinitionError", "InvalidInput", "NotFound",
    "PermissionDenied", "ProcessFault", "RateLimited", "SandboxError", "StaleWrite", "TooLarge", "Unavailable",
    "DeliverySettings", "Download", "Quota", "Table", "TOKEN_PREFIX", "Upload",
    # work that needs no database
    "LOGGING_CONFIG", "configure_logging", "storable", "unstorable_paths", "validate_definitions",
    "render_findings", "layout_diagram",
]


# The validator and the diagram layout are imported when first used: the server starts without them.
def validate_definitions(paths: Sequence[Path], as_json: bool = False) -> tuple[str, bool]:
    """`avvik validate`: the findings on the definition files at `paths`, as text (or JSON), and whether any is an
    error (the tree is not runnable)."""
    from engine.validation import has_errors, render_json, render_text, validate_paths

    findings = validate_paths(list(paths))
    return (render_json(findings) if as_json else render_text(findings)), has_errors(findings)


def render_findings(findings: Sequence[Finding]) -> str:
    """A DefinitionError's findings as the validator prints them."""
    from engine.validation import render_text

    return render_text(findings)


def layout_diagram(name: str, data: bytes) -> bytes:
    """`avvik layout`: the BPMN or DMN file `data` with its diagram laid out anew (engine/diagrams)."""
    from engine.diagrams import layout

    return layout(name, data)


R = TypeVar("R")
# Told after a use case committed: ("reported" | "task_completed", area). /metrics counts with it; the engine
# knows nothing of how.
Observer = Callable[[str, str], None]


def _observed(
    what: str, areas: Callable[[dict[str, Any]], list[str]]
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Tell the engine's observers about a committed outcome, once per area it touched."""

    def decorate(func: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(func)
        def wrapper(self: Engine, *args: Any, **kwargs: Any) -> R:
            result = func(self, *args, **kwargs)
            for area in areas(result):  # type: ignore[arg-type]
                for observer in self.observers:
                    observer(what, area)
            return result

        return wrapper

    return decorate


def _use_case(func: Callable[..., R], read_only: bool = False) -> Callable[..., R]:
    """Run the wrapped use case with a fresh Context in one transaction; lost races become StaleWrite."""

    @functools.wraps(func)
    def wrapper(self: Engine, *args: Any, **kwargs: Any) -> R:
        with lost_races():
            with self.db.transaction(read_only) as session, spiff_clock.using(self.clock):
                ctx = Context(session, self.releases, self.clock, self.public_url, workflows=self.workflows,
                              known_releases=self.release_records)
                caller = callers.pending()
                if caller is not None:  # the request's credential, checked in this transaction (engine/callers.py)
                    callers.check(ctx, caller)
                result = func(self, ctx, *args, **kwargs)
            for committed in ctx.after_commit:
                committed()
            return result

    return wrapper


def _read(func: Callable[..., R]) -> Callable[..., R]:
    """A use case that only reads: on SQLite it neither waits for nor blocks writers (and fails if it writes)."""
    return _use_case(func, read_only=True)


class Engine:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow,
                 public_url: str = "http://localhost:8000", records: RecordsSettings | None = None) -> None:
        self.db = db
        self.clock = clock
        self.public_url = public_url.rstrip("/")  # where links in notifications point (AVVIK_PUBLIC_URL)
        self.releases = ReleaseCache()
        self.observers: list[Observer] = []
        self.records = records or RecordsSettings.from_env()
        self._token_owners = callers.TokenOwners()
        self.workflows = WorkflowCache()
        self.release_records = ReleaseRecords()

    @classmethod
    def connect(cls, url: str | None = None, public_url: str = "http://localhost:8000") -> Engine:
        """An engine on the database at `url` (else AVVIK_DATABASE_URL, else the embedded SQLite file under var/);
        nothing connects until the first use case."""
        return cls(Database(url), public_url=public_url)

    # administration: the database as a whole, outside any use case's transaction
    def upgrade_schema(self) -> str:
        """Create or migrate the schema to the newest version; the database's URL without its password."""
        upgrade(self.db)
        return self.db.engine.url.render_as_string(hide_password=True)

    def watch_pool(self, checked_out: Callable[[], Any], checked_in: Callable[[], Any]) -> int | None:
        """Told as database connections leave and return to the pool (/metrics); see store.ops.watch_pool."""
        return ops_store.watch_pool(self.db, checked_out, checked_in)

    def backup(self, target: Path) -> None:
        backups.backup(self.db, target)

    def restore(self, source: Path) -> None:
        backups.restore(self.db, source)

    # releases
    @_use_case
    def publish_release(
        self, ctx: Context, files: Mapping[str, bytes], label: str | None = None, actor_id: str | None = None
    ) -> dict[str, Any]:
        return releases.publish(ctx, files, label, actor_id)

    def publish_tree(self, root: Path, label: str | None = None, actor_id: str | None = None) -> dict[str, Any]:
        return self.publish_release(read_tree(root), label, actor_id)

    def publish_archive(self, archive: bytes, label: str | None = None, actor_id: str | None = None) -> dict[str, Any]:
        """Publish a definitions folder sent as a zip or tar archive (read outside the transaction)."""
        return self.publish_release(read_archive(archive), label, actor_id)

    @_read
    def list_releases(self, ctx: Context, actor_id: str | None = None) -> list[dict[str, Any]]:
        return releases.list_releases(ctx, actor_id)

    @_use_case
    def activate_release(self, ctx: Context, release_hash: str, unit_id: str,
                         actor_id: str | None = None) -> dict[str, Any]:
        return bindings.activate_release(ctx, release_hash, unit_id, actor_id)

    @_use_case
    def migrate_cases(self, ctx: Context, area: str, release_hash: str, unit_id: str, actor_id: str,
                      dry_run: bool = True) -> dict[str, Any]:
        return case_upgrade.migrate_cases(ctx, area, release_hash, unit_id, actor_id, dry_run)

    # the process owners' studio
    @_read
    def active_definitions(self, ctx: Context, unit_id: str, actor_id: str) -> dict[str, Any]:
        return studio.active_definitions(ctx, unit_id, actor_id)

    @_use_case
    def release_file(self, ctx: Context, release_hash: str, path: str, actor_id: str) -> dict[str, Any]:
        return studio.release_file(ctx, release_hash, path, actor_id)

    @_use_case
    def validate_edit(self, ctx: Context, base: str, files: Mapping[str, str], removed: list[str],
                      actor_id: str) -> dict[str, Any]:
        return studio.validate_edit(ctx, base, files, removed, actor_id)

    @_use_case
    def publish_edit(self, ctx: Context, base: str, files: Mapping[str, str], removed: list[str],
                     label: str | None, actor_id: str) -> dict[str, Any]:
        return studio.publish_edit(ctx, base, files, removed, label, actor_id)

    @_use_case
    def form_preview(self, ctx: Context, base: str, files: Mapping[str, str], removed: list[str], path: str,
                     actor_id: str) -> dict[str, Any]:
        return studio.form_preview(ctx, base, files, removed, path, actor_id)

    @_use_case
    def pilot_release(self, ctx: Context, release_hash: str, unit_ids: list[str], actor_id: str,
                      dry_run: bool = True) -> dict[str, Any]:
        return pilot.pilot(ctx, release_hash, unit_ids, actor_id, dry_run)

    # per-unit configuration
    @_read
    def effective_config(self, ctx: Context, unit_id: str, actor_id: str, area: str | None = None) -> dict[str, Any]:
        return bindings.effective_config(ctx, unit_id, actor_id, area)

    @_use_case
    def set_binding(self, ctx: Context, unit_id: str, area: str, release_hash: str, variant: str,
                    actor_id: str) -> dict[str, Any]:
        return bindings.set_binding(ctx, unit_id, area, release_hash, variant, actor_id)

    @_use_case
    def remove_binding(self, ctx: Context, unit_id: str, area: str, actor_id: str) -> dict[str, Any]:
        return bindings.remove_binding(ctx, unit_id, area, actor_id)

    @_use_case
    def set_overlay(self, ctx: Context, unit_id: str, area: str, key: str, value: Any,
                    actor_id: str) -> dict[str, Any]:
        return bindings.set_overlay(ctx, unit_id, area, key, value, actor_id)

    @_use_case
    def remove_overlay(self, ctx: Context, unit_id: str, area: str, key: str, actor_id: str) -> dict[str, Any]:
        return bindings.remove_overlay(ctx, unit_id, area, key, actor_id)

    # organisation and identity
    @_use_case
    def add_unit(self, ctx: Context, unit_id: str, name: str, kind: str, parent_id: str | None = None,
                 cfar: str | None = None) -> dict[str, Any]:
        return org.add_unit(ctx, unit_id, name, kind, parent_id, cfar)

    @_read
    def list_units(self, ctx: Context) -> list[dict[str, Any]]:
        return org.list_units(ctx)

    @_read
    def display_names(self, ctx: Context) -> dict[str, dict[str, str]]:
        """The Swedish names of the current release's roles and of the units, by id (the demo login's list)."""
        return {"roles": {role["id"]: role["name"] for role in catalog.roles(ctx)},
                "units": {unit["id"]: unit["name"] for unit in org.list_units(ctx)}}

    # legal entities
    @_use_case
    def configure_entity(self, ctx: Context, entity_id: str, name: str | None = None, prefix: str | None = None,
                         complaints_unit: str | None = None) -> dict[str, Any]:
        return entities.configure(ctx, entity_id, name, prefix, complaints_unit)

    @_read
    def list_entities(self, ctx: Context) -> list[dict[str, Any]]:
        return entities.list_entities(ctx)

    @_read
    def public_entities(self, ctx: Context) -> list[dict[str, Any]]:
        return entities.public_entities(ctx)

    # deputies
    @_use_case
    def name_deputy(self, ctx: Context, principal_id: str, deputy_id: str, role: str, unit_id: str,
                    starts_at: datetime, ends_at: datetime, actor_id: str | None) -> dict[str, Any]:
        return deputies.name_deputy(ctx, principal_id, deputy_id, role, unit_id, starts_at, ends_at, actor_id)

    @_read
    def my_deputyships(self, ctx: Context, user_id: str) -> list[dict[str, Any]]:
        return deputies.my_deputyships(ctx, user_id)

    @_use_case
    def revoke_deputyship(self, ctx: Context, deputyship_id: int, actor_id: str | None) -> dict[str, Any]:
        return deputies.revoke(ctx, deputyship_id, actor_id)

    @_use_case
    def add_user(self, ctx: Context, user_id: str, name: str | None = None, email: str | None = None) -> dict[str, Any]:
        return org.add_user(ctx, user_id, name, email)

    @_use_case
    def grant_role(self, ctx: Context, user_id: str, role: str, unit_id: str) -> None:
        org.grant_role(ctx, user_id, role, unit_id)

    @_use_case
    def create_token(self, ctx: Context, user_id: str, label: str | None = None,
                     expires_at: datetime | None = None) -> str:
        return org.create_token(ctx, user_id, label, expires_at)

    @_read
    def list_tokens(self, ctx: Context, user_id: str) -> list[dict[str, Any]]:
        return org.list_tokens(ctx, user_id)

    @_use_case
    def revoke_token(self, ctx: Context, token_id: int) -> dict[str, Any]:
        return org.revoke_token(ctx, token_id)

    @_read
    def authenticate(self, ctx: Context, token: str) -> str:
        return org.authenticate(ctx, token)

    @contextmanager
    def token_caller(self, token: str) -> Iterator[str]:
        """Within, use cases run for the token's user; the token is checked (not revoked, not expired, user active)
        in the first use case's transaction, or on leaving if none ran. Yields the user id."""
        digest = callers.token_hash(token)
        owner = self._token_owners.get(digest)
        caller = callers.Caller(owner, digest) if owner else callers.Caller(self.authenticate(token), digest, True)
        try:
            with callers.calling(caller, self._check_caller) as user_id:
                self._token_owners.put(digest, user_id)
                yield user_id
        except AuthenticationFailed:
            self._token_owners.forget(digest)
            raise

    @contextmanager
    def user_caller(self, user_id: str) -> Iterator[str]:
        """As token_caller, for a user whose identity the server verified itself (an OIDC JWT): only that the user
        is known and active is checked."""
        with callers.calling(callers.Caller(user_id, None), self._check_caller) as checked_id:
            yield checked_id

    @_read
    def _check_caller(self, ctx: Context, caller: callers.Caller) -> None:
        if not caller.checked:  # the wrapper checks the pending caller first; this is for one that is not pending
            callers.check(ctx, caller)

    @_read
    def me(self, ctx: Context, user_id: str) -> dict[str, Any]:
        return org.me(ctx, user_id)

    # integrations
    @_use_case
    def export_document(self, ctx: Context, number: str, area: str, export_id: str, actor_id: str) -> dict[str, Any]:
        return exports.export_document(ctx, number, area, export_id, actor_id)

    @_use_case
    def export_pdf(self, ctx: Context, number: str, area: str, export_id: str, actor_id: str) -> bytes:
        return exports.export_pdf(ctx, number, area, export_id, actor_id)

    @_use_case
    def available_exports(self, ctx: Context, number: str, actor_id: str) -> list[dict[str, Any]]:
        return exports.available_exports(ctx, number, actor_id)

    @_use_case
    def case_summary(self, ctx: Context, number: str, actor_id: str) -> dict[str, Any]:
        return case_summary.case_summary(ctx, number, actor_id)

    @_use_case
    def case_summary_pdf(self, ctx: Context, number: str, actor_id: str) -> bytes:
        return case_summary.case_summary_pdf(ctx, number, actor_id)

    @_use_case
    def record_decision_reference(
        self, ctx: Context, number: str, decision_id: int, reference: str, actor_id: str
    ) -> dict[str, Any]:
        return decision_references.record_reference(ctx, number, decision_id, reference, actor_id)

    @_use_case
    def annual_figures(self, ctx: Context, entity_id: str, year: int, actor_id: str) -> dict[str, Any]:
        return annual.annual_figures(ctx, entity_id, year, actor_id)

    @_use_case
    def annual_figures_pdf(self, ctx: Context, entity_id: str, year: int, actor_id: str) -> bytes:
        return annual.annual_figures_pdf(ctx, entity_id, year, actor_id)

    @_use_case
    def annual_entities(self, ctx: Context, actor_id: str) -> list[dict[str, Any]]:
        return annual.annual_entities(ctx, actor_id)

    @_use_case
    def idm_sync(self, ctx: Context, feed: bytes, mapping: bytes, dry_run: bool = False) -> dict[str, Any]:
        return idm.sync(ctx, idm.parse_feed(feed), idm.parse_mapping(mapping), dry_run)

    # SCIM provisioning (server/scim.py speaks the protocol; these keep the resources and sync users and grants)
    @_use_case
    def scim_resources(self, ctx: Context, resource_type: str) -> list[dict[str, Any]]:
        return provisioning.stored(ctx, resource_type)

    @_use_case
    def scim_write(self, ctx: Context, resource_type: str, document: dict[str, Any], mapping: bytes) -> dict[str, Any]:
        return provisioning.write(ctx, resource_type, document, mapping)

    @_use_case
    def scim_remove(self, ctx: Context, resource_id: str, mapping: bytes) -> dict[str, Any]:
        return provisioning.remove(ctx, resource_id, mapping)

    @_use_case
    def create_scim_token(self, ctx: Context, label: str | None = None) -> str:
        return provisioning.create_token(ctx, label)

    @_use_case
    def authenticate_scim(self, ctx: Context, token: str) -> None:
        provisioning.authenticate(ctx, token)

    @_use_case
    def cfar_check(self, ctx: Context, register: bytes) -> list[dict[str, Any]]:
        return cfar.check_units(ctx, cfar.parse_register(register))

    # what the release offers
    @_read
    def roles(self, ctx: Context) -> list[dict[str, Any]]:
        return catalog.roles(ctx)

    @_read
    def shared_form(self, ctx: Context, which: str, unit_id: str | None = None) -> dict[str, Any]:
        return catalog.shared_form(ctx, which, unit_id)


    # events
    @_observed("reported", lambda event: [case["area"] for case in event["areas"]])
    @_use_case
    def report_event(self, ctx: Context, actor_id: str | None, unit_id: str, data: Any,
                     channel: str = "personal") -> dict[str, Any]:
        return events.report_event(ctx, actor_id, unit_id, data, channel)

    # The public channel spends the caller's quota in a transaction of its own before the use case runs, so a
    # refused or failed call (a wrong receipt or secret) still counts: guessing costs as much as spamming.
    def submit_public_feedback(self, entity_id: str, data: Any, quota: Quota | None = None) -> dict[str, Any]:
        self._spend("public", quota)
        return self._submit_public_feedback(entity_id, data)

    def follow_public_feedback(self, receipt: str, secret: str, quota: Quota | None = None) -> dict[str, Any]:
        self._spend("public-follow", quota)
        return self._follow_public_feedback(receipt, secret)

    def _spend(self, bucket: str, quota: Quota | None) -> None:
        if quota is not None and not self._spend_quota(bucket, quota):
            raise RateLimited()

    @_use_case
    def _spend_quota(self, ctx: Context, bucket: str, quota: Quota) -> bool:
        return ratelimit.spend(ctx, bucket, quota)

    @_use_case
    def _submit_public_feedback(self, ctx: Context, entity_id: str, data: Any) -> dict[str, Any]:
        return receipts.submit(ctx, entity_id, data)

    @_use_case
    def _follow_public_feedback(self, ctx: Context, receipt: str, secret: str) -> dict[str, Any]:
        return receipts.follow(ctx, receipt, secret)

    @_use_case
    def get_event(self, ctx: Context, number: str, actor_id: str, purpose: str = "läsa händelse") -> dict[str, Any]:
        return events.get_event(ctx, number, actor_id, purpose)

    @_read
    def list_events(self, ctx: Context, actor_id: str, **filters: Any) -> dict[str, Any]:
        return events.list_events(ctx, actor_id, **filters)

    @_read
    def statistics(self, ctx: Context, actor_id: str, **query: Any) -> dict[str, Any]:
        return stats.statistics(ctx, actor_id, **query)

    @_use_case
    def compact_statistics(self, ctx: Context) -> int:
        """Fold the statistics rollup's deltas into its counts (the worker, each round)."""
        return stats_figures.compact(ctx)

    @_use_case
    def stats_download(self, ctx: Context, actor_id: str, **query: Any) -> tables.Download:
        return tables.stats_download(stats.statistics(ctx, actor_id, **query), ctx.clock().date())

    @_use_case
    def event_download(self, ctx: Context, actor_id: str, **filters: Any) -> tables.Download:
        return tables.event_download(ctx, actor_id, **filters)

    @_read
    def closure_status(self, ctx: Context, number: str, actor_id: str) -> list[dict[str, Any]]:
        return events.closure_status(ctx, number, actor_id)

    @_use_case
    def rename_event(self, ctx: Context, number: str, previous: str, title: str, reason: str,
                     actor_id: str) -> dict[str, Any]:
        return events.rename_event(ctx, number, previous, title, reason, actor_id)

    @_use_case
    def add_link(self, ctx: Context, number: str, link_type: str, target: str, actor_id: str) -> dict[str, Any]:
        return links.add_link(ctx, number, link_type, target, actor_id)

    @_read
    def list_links(self, ctx: Context, number: str, actor_id: str) -> list[dict[str, Any]]:
        return links.list_links(ctx, number, actor_id)

    @_use_case
    def add_area(self, ctx: Context, number: str, area: str, reason: str | None, actor_id: str) -> dict[str, Any]:
        return triage.add_area(ctx, number, area, reason, actor_id)

    @_use_case
    def remove_area(self, ctx: Context, number: str, area: str, reason: str | None, actor_id: str) -> dict[str, Any]:
        return triage.remove_area(ctx, number, area, reason, actor_id)

    @_use_case
    def reopen_case(self, ctx: Context, number: str, area: str | None, reason: str, actor_id: str) -> dict[str, Any]:
        return reopening.reopen_case(ctx, number, area, reason, actor_id)

    @_use_case
    def audit_log(self, ctx: Context, number: str, actor_id: str) -> dict[str, Any]:
        return events.audit_log(ctx, number, actor_id)

    # records: attachments, legal holds, log chains, retention
    @_use_case
    def add_attachment(self, ctx: Context, target: str, key: Any, actor_id: str, upload: attachments.Upload,
                       area: str | None = None) -> dict[str, Any]:
        return attachments.upload(ctx, self.records, target, key, actor_id, upload, area)

    @_use_case
    def attachment_content(self, ctx: Context, attachment_id: int, actor_id: str) -> attachments.Download:
        return attachments.download(ctx, self.records, attachment_id, actor_id)

    @_use_case
    def place_hold(self, ctx: Context, number: str, reason: str, actor_id: str) -> dict[str, Any]:
        return holds.place(ctx, number, reason, actor_id)

    @_use_case
    def lift_hold(self, ctx: Context, number: str, hold_id: int, reason: str, actor_id: str) -> dict[str, Any]:
        return holds.lift(ctx, number, hold_id, reason, actor_id)

    @_use_case
    def verify_logs(self, ctx: Context, entity: str | None = None) -> dict[str, Any]:
        return logs.verify(ctx, entity)

    @_use_case
    def import_history(self, ctx: Context, data: bytes, mapping: bytes, actor_id: str,
                       dry_run: bool = True) -> dict[str, Any]:
        return imports.import_history(ctx, data, mapping, actor_id, dry_run)

    @_use_case
    def archive_package(self, ctx: Context, number: str) -> dict[str, bytes]:
        return archive.export_sip(ctx, self.records, number)

    @_use_case
    def retention_plan(self, ctx: Context) -> dict[str, Any]:
        return retention.plan(ctx)

    @_use_case
    def retention_run(self, ctx: Context, actor_id: str, execute: bool = False) -> dict[str, Any]:
        return retention.run(ctx, self.records, actor_id, execute)

    # tasks
    @_read
    def worklist(self, ctx: Context, actor_id: str, scope: str = "available", limit: int = 50, offset: int = 0,
                 area: str | None = None, unit_id: str | None = None, overdue: bool = False) -> list[dict[str, Any]]:
        return tasks.worklist(ctx, actor_id, scope, limit, offset, area, unit_id, overdue)

    @_use_case
    def get_task(self, ctx: Context, task_id: str, actor_id: str) -> dict[str, Any]:
        return tasks.get_task(ctx, task_id, actor_id)

    @_use_case
    def claim_task(self, ctx: Context, task_id: str, actor_id: str) -> dict[str, Any]:
        return tasks.claim(ctx, task_id, actor_id)

    @_use_case
    def release_task(self, ctx: Context, task_id: str, actor_id: str) -> dict[str, Any]:
        return tasks.release(ctx, task_id, actor_id)

    @_use_case
    def assign_task(self, ctx: Context, task_id: str, actor_id: str, user_id: str) -> dict[str, Any]:
        return tasks.assign(ctx, task_id, actor_id, user_id)

    @_observed("task_completed", lambda result: [result["case"]["area"]])
    @_use_case
    def complete_task(self, ctx: Context, task_id: str, actor_id: str, data: Any,
                      expected_version: int | None = None) -> dict[str, Any]:
        return tasks.complete(ctx, task_id, actor_id, data, expected_version)

    # actions
    @_use_case
    def create_action(self, ctx: Context, number: str, actor_id: str, data: Any,
                      area: str | None = None) -> dict[str, Any]:
        return actions.create_action(ctx, number, actor_id, data, area)

    @_use_case
    def get_action(self, ctx: Context, action_id: int, actor_id: str) -> dict[str, Any]:
        return actions.get_action(ctx, action_id, actor_id)

    @_use_case
    def link_action(self, ctx: Context, action_id: int, number: str, actor_id: str,
                    area: str | None = None) -> dict[str, Any]:
        return actions.link_action(ctx, action_id, number, actor_id, area)

    @_use_case
    def transition_action(self, ctx: Context, action_id: int, actor_id: str, target: str, note: str | None = None,
                          expected_version: int | None = None, result: str | None = None) -> dict[str, Any]:
        return actions.transition(ctx, action_id, actor_id, target, note, expected_version, result)

    @_read
    def my_actions(self, ctx: Context, actor_id: str) -> list[dict[str, Any]]:
        return actions.my_actions(ctx, actor_id)

    # timers
    @_read
    def _due_case_ids(self, ctx: Context, limit: int) -> list[int]:
        return timers.due_case_ids(ctx, limit)

    @_use_case
    def _fire_case(self, ctx: Context, case_id: int) -> None:
        timers.fire_case(ctx, case_id)

    @_use_case
    def _postpone(self, ctx: Context, case_id: int, error: AvvikError) -> None:
        timers.postpone(ctx, case_id, error)

    def run_due_timers(self, limit: int = 100) -> int:
        """Fire every due timer once; returns how many cases advanced. Each case is its own transaction."""
        advanced = 0
        for case_id in self._due_case_ids(limit):
            try:
                self._fire_case(case_id)
                advanced += 1
            except StaleWrite:
                continue  # a person stepped the case meanwhile; its timers were recomputed with that step
            except AvvikError as exc:
                self._postpone(case_id, exc)
        return advanced

    # notifications: a person's inbox, the operator's view of the outbox, and delivery by the worker
    @_read
    def my_notifications(self, ctx: Context, user_id: str, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        return outbox.inbox(ctx, user_id, limit, offset)

    @_use_case
    def mark_notification_read(self, ctx: Context, notification_id: int, user_id: str) -> dict[str, Any]:
        return outbox.mark_read(ctx, notification_id, user_id)

    @_read
    def notification_settings(self, ctx: Context, user_id: str) -> list[dict[str, Any]]:
        return outbox.settings(ctx, user_id)

    @_use_case
    def set_notification_setting(self, ctx: Context, user_id: str, kind: str, delivery: str) -> list[dict[str, Any]]:
        return outbox.set_setting(ctx, user_id, kind, delivery)

    @_use_case
    def outbox_list(self, ctx: Context, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        return outbox.listing(ctx, status, limit)

    @_use_case
    def outbox_retry(self, ctx: Context, notification_id: int) -> dict[str, Any]:
        return outbox.retry(ctx, notification_id)

    @_use_case
    def admin_outbox(self, ctx: Context, actor_id: str, status: str | None = None,
                     limit: int = 100) -> list[dict[str, Any]]:
        return outbox.admin_listing(ctx, actor_id, status, limit)

    @_use_case
    def admin_outbox_retry(self, ctx: Context, actor_id: str, notification_id: int) -> dict[str, Any]:
        return outbox.admin_retry(ctx, actor_id, notification_id)

    @_use_case
    def raise_action_deadlines(self, ctx: Context) -> int:
        return notifications.action_deadlines(ctx, ctx.clock().date())

    @_use_case
    def _claim_notifications(self, ctx: Context, limit: int, policy: outbox.RetryPolicy) -> list[Outgoing]:
        return outbox.claim(ctx, limit, policy)

    @_use_case
    def _settle_notifications(self, ctx: Context, outcomes: list[tuple[int, str | None, bool]],
                              policy: outbox.RetryPolicy) -> None:
        outbox.settle(ctx, outcomes, policy)

    def deliver_notifications(self, settings: DeliverySettings, batch: int = 50) -> dict[str, int]:
        """Send every due notification, a batch per round: claim (short transaction), send (none), settle (one
        transaction per batch). Returns how many mails were sent, failed and skipped (no address, or e-mail
        turned off); a digest is one mail."""
        counts = {"sent": 0, "failed": 0, "skipped": 0}
        while items := self._claim_notifications(batch, settings.policy):
            outcomes: list[tuple[int, str | None, bool]] = []
            skipped = [item for item in items if item.to is None]
            outcomes += [(i, None, True) for item in skipped for i in item.ids]
            counts["skipped"] += len(skipped)
            mailable = [item for item in items if item.to is not None]
            results = settings.transport.send([compose(i, settings.sender, settings.public_url) for i in mailable])
            for item, error in zip(mailable, results):
                outcomes += [(i, error, False) for i in item.ids]
                counts["failed" if error else "sent"] += 1
            self._settle_notifications(outcomes, settings.policy)
            if len(items) < batch:
                break
        return counts

    # operations: liveness, readiness, the scrape-time gauges, the worker's heartbeat, `avvik doctor`
    @_read
    def liveness(self, ctx: Context) -> dict[str, Any]:
        """The database answers (one round trip), and which database it is."""
        releases.list_releases(ctx)
        return {"status": "ok", "database": self.db.dialect}

    def readiness(self) -> list[health.Check]:
        return health.readiness(self.db)

    @_read
    def operations_snapshot(self, ctx: Context) -> dict[str, Any]:
        return health.snapshot(ctx.session, ctx.clock())

    @_use_case
    def worker_heartbeat(self, ctx: Context, worker_id: str, started_at: datetime, interval_s: float) -> None:
        ops_store.beat(ctx.session, worker_id, started_at, ctx.clock(), round(interval_s * 1000))

    @_read
    def heartbeat_check(self, ctx: Context) -> health.Check:
        return health.heartbeat_check(ops_store.newest_beat(ctx.session), ctx.clock())

    def doctor(self, settings_readers: list[Callable[[], object]], web_dist: Path, web_sources: Path | None,
               smtp_url: str | None) -> list[health.Check]:
        """`avvik doctor`: configuration, database, schema, an active release, the worker's heartbeat, the web
        build and the mail server, each a check that says what to fix (engine/doctor.py)."""
        return doctor_checks(self, settings_readers, web_dist, web_sources, smtp_url)
