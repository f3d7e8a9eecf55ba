"""The engine's public face: one method per use case, each in its own transaction.

Callers (HTTP server, CLI, tests, benchmark) pass identifiers and plain data and get plain data back; they
never see a session. A write that lost a race surfaces as StaleWrite, never as a silent overwrite.
"""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from engine import (actions, catalog, config, deputies, entities, events, exports, links, migration, notifications, org, outbox, provisioning,
                    receipts, releases, reopening, tasks, timers, triage)
from engine.context import Context
from engine.delivery.mail import Outgoing, compose
from engine.delivery.settings import DeliverySettings
from engine.definitions.files import read_tree
from engine.integrations import cfar, idm
from engine.definitions.release import ReleaseCache
from engine.errors import AvvikError, Conflict, StaleWrite
from engine.store.db import Database
from engine.store.types import utcnow

__all__ = ["Engine"]

R = TypeVar("R")


def _use_case(func: Callable[..., R]) -> Callable[..., R]:
    """Run the wrapped use case with a fresh Context in one transaction; lost races become StaleWrite."""

    @functools.wraps(func)
    def wrapper(self: Engine, *args: Any, **kwargs: Any) -> R:
        try:
            with self.db.transaction() as session:
                return func(self, Context(session, self.releases, self.clock), *args, **kwargs)
        except StaleDataError:
            raise StaleWrite() from None
        except OperationalError as exc:
            # PostgreSQL reports a serialization or deadlock failure between two writers of one case this way.
            if getattr(exc.orig, "sqlstate", None) in ("40001", "40P01"):
                raise StaleWrite() from None
            # SQLite: the write lock was not free within busy_timeout; nothing was written, so try again.
            if "database is locked" in str(exc.orig):
                raise Conflict("Databasen är upptagen av andra ändringar. Försök igen om en stund.") from None
            raise
        except IntegrityError as exc:
            # Two writers inserted the same key at once (PostgreSQL 23505, SQLite 'UNIQUE constraint failed').
            if getattr(exc.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(exc.orig):
                raise Conflict("Någon annan skapade samma sak samtidigt. Ladda om och försök igen.") from None
            raise

    return wrapper


class Engine:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock
        self.releases = ReleaseCache()

    # releases
    @_use_case
    def publish_release(
        self, ctx: Context, files: Mapping[str, bytes], label: str | None = None, actor_id: str | None = None
    ) -> dict[str, Any]:
        return releases.publish(ctx, files, label, actor_id)

    def publish_tree(self, root: Path, label: str | None = None, actor_id: str | None = None) -> dict[str, Any]:
        return self.publish_release(read_tree(root), label, actor_id)

    @_use_case
    def list_releases(self, ctx: Context, actor_id: str | None = None) -> list[dict[str, Any]]:
        return releases.list_releases(ctx, actor_id)

    @_use_case
    def activate_release(self, ctx: Context, release_hash: str, unit_id: str,
                         actor_id: str | None = None) -> dict[str, Any]:
        return config.activate_release(ctx, release_hash, unit_id, actor_id)

    @_use_case
    def migrate_cases(self, ctx: Context, area: str, release_hash: str, unit_id: str, actor_id: str,
                      dry_run: bool = True) -> dict[str, Any]:
        return migration.migrate_cases(ctx, area, release_hash, unit_id, actor_id, dry_run)

    # per-unit configuration
    @_use_case
    def effective_config(self, ctx: Context, unit_id: str, actor_id: str, area: str | None = None) -> dict[str, Any]:
        return config.effective_config(ctx, unit_id, actor_id, area)

    @_use_case
    def set_binding(self, ctx: Context, unit_id: str, area: str, release_hash: str, variant: str,
                    actor_id: str) -> dict[str, Any]:
        return config.set_binding(ctx, unit_id, area, release_hash, variant, actor_id)

    @_use_case
    def remove_binding(self, ctx: Context, unit_id: str, area: str, actor_id: str) -> dict[str, Any]:
        return config.remove_binding(ctx, unit_id, area, actor_id)

    @_use_case
    def set_overlay(self, ctx: Context, unit_id: str, area: str, key: str, value: Any,
                    actor_id: str) -> dict[str, Any]:
        return config.set_overlay(ctx, unit_id, area, key, value, actor_id)

    @_use_case
    def remove_overlay(self, ctx: Context, unit_id: str, area: str, key: str, actor_id: str) -> dict[str, Any]:
        return config.remove_overlay(ctx, unit_id, area, key, actor_id)

    # organisation and identity
    @_use_case
    def add_unit(self, ctx: Context, unit_id: str, name: str, kind: str, parent_id: str | None = None,
                 cfar: str | None = None) -> dict[str, Any]:
        return org.add_unit(ctx, unit_id, name, kind, parent_id, cfar)

    @_use_case
    def list_units(self, ctx: Context) -> list[dict[str, Any]]:
        return org.list_units(ctx)

    # legal entities
    @_use_case
    def configure_entity(self, ctx: Context, entity_id: str, name: str | None = None, prefix: str | None = None,
                         complaints_unit: str | None = None) -> dict[str, Any]:
        return entities.configure(ctx, entity_id, name, prefix, complaints_unit)

    @_use_case
    def list_entities(self, ctx: Context) -> list[dict[str, Any]]:
        return entities.list_entities(ctx)

    @_use_case
    def public_entities(self, ctx: Context) -> list[dict[str, Any]]:
        return entities.public_entities(ctx)

    # deputies
    @_use_case
    def name_deputy(self, ctx: Context, principal_id: str, deputy_id: str, role: str, unit_id: str,
                    starts_at: datetime, ends_at: datetime, actor_id: str | None) -> dict[str, Any]:
        return deputies.name_deputy(ctx, principal_id, deputy_id, role, unit_id, starts_at, ends_at, actor_id)

    @_use_case
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

    @_use_case
    def list_tokens(self, ctx: Context, user_id: str) -> list[dict[str, Any]]:
        return org.list_tokens(ctx, user_id)

    @_use_case
    def revoke_token(self, ctx: Context, token_id: int) -> dict[str, Any]:
        return org.revoke_token(ctx, token_id)

    @_use_case
    def authenticate(self, ctx: Context, token: str) -> str:
        return org.authenticate(ctx, token)

    @_use_case
    def me(self, ctx: Context, user_id: str) -> dict[str, Any]:
        return org.me(ctx, user_id)

    # integrations
    @_use_case
    def export_document(self, ctx: Context, number: str, area: str, export_id: str, actor_id: str) -> dict[str, Any]:
        return exports.export_document(ctx, number, area, export_id, actor_id)

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
    @_use_case
    def roles(self, ctx: Context) -> list[dict[str, Any]]:
        return catalog.roles(ctx)

    @_use_case
    def shared_form(self, ctx: Context, which: str, unit_id: str | None = None) -> dict[str, Any]:
        return catalog.shared_form(ctx, which, unit_id)

    @_use_case
    def consume_rate(self, ctx: Context, key: str, limit: int, window_s: int) -> bool:
        return catalog.consume_rate(ctx, key, limit, window_s)

    # events
    @_use_case
    def report_event(self, ctx: Context, actor_id: str | None, unit_id: str, data: Any,
                     channel: str = "personal") -> dict[str, Any]:
        return events.report_event(ctx, actor_id, unit_id, data, channel)

    @_use_case
    def submit_public_feedback(self, ctx: Context, entity_id: str, data: Any) -> dict[str, Any]:
        return receipts.submit(ctx, entity_id, data)

    @_use_case
    def follow_public_feedback(self, ctx: Context, receipt: str, secret: str) -> dict[str, Any]:
        return receipts.follow(ctx, receipt, secret)

    @_use_case
    def get_event(self, ctx: Context, number: str, actor_id: str, purpose: str = "läsa händelse") -> dict[str, Any]:
        return events.get_event(ctx, number, actor_id, purpose)

    @_use_case
    def list_events(self, ctx: Context, actor_id: str, **filters: Any) -> dict[str, Any]:
        return events.list_events(ctx, actor_id, **filters)

    @_use_case
    def closure_status(self, ctx: Context, number: str, actor_id: str) -> list[dict[str, Any]]:
        return events.closure_status(ctx, number, actor_id)

    @_use_case
    def rename_event(self, ctx: Context, number: str, previous: str, title: str, reason: str,
                     actor_id: str) -> dict[str, Any]:
        return events.rename_event(ctx, number, previous, title, reason, actor_id)

    @_use_case
    def add_link(self, ctx: Context, number: str, link_type: str, target: str, actor_id: str) -> dict[str, Any]:
        return links.add_link(ctx, number, link_type, target, actor_id)

    @_use_case
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

    # tasks
    @_use_case
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

    @_use_case
    def my_actions(self, ctx: Context, actor_id: str) -> list[dict[str, Any]]:
        return actions.my_actions(ctx, actor_id)

    # timers
    @_use_case
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
    @_use_case
    def my_notifications(self, ctx: Context, user_id: str, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        return outbox.inbox(ctx, user_id, limit, offset)

    @_use_case
    def mark_notification_read(self, ctx: Context, notification_id: int, user_id: str) -> dict[str, Any]:
        return outbox.mark_read(ctx, notification_id, user_id)

    @_use_case
    def notification_settings(self, ctx: Context, user_id: str) -> list[dict[str, Any]]:
        return outbox.settings(ctx, user_id)

    @_use_case
    def set_notification_setting(self, ctx: Context, user_id: str, kind: str, email: bool) -> list[dict[str, Any]]:
        return outbox.set_setting(ctx, user_id, kind, email)

    @_use_case
    def outbox_list(self, ctx: Context, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        return outbox.listing(ctx, status, limit)

    @_use_case
    def outbox_retry(self, ctx: Context, notification_id: int) -> dict[str, Any]:
        return outbox.retry(ctx, notification_id)

    @_use_case
    def raise_action_deadlines(self, ctx: Context) -> int:
        return notifications.action_deadlines(ctx, ctx.clock().date())

    @_use_case
    def _claim_notifications(self, ctx: Context, limit: int, policy: outbox.RetryPolicy) -> list[Outgoing]:
        return outbox.claim(ctx, limit, policy)

    @_use_case
    def _settle_notification(self, ctx: Context, notification_id: int, error: str | None,
                             policy: outbox.RetryPolicy, skipped: bool = False) -> None:
        outbox.settle(ctx, notification_id, error, policy, skipped)

    def deliver_notifications(self, settings: DeliverySettings, batch: int = 50) -> dict[str, int]:
        """Send every due notification, a batch per round: claim (short transaction), send (none), settle (one
        transaction per notification). Returns how many were sent, failed and skipped (no address)."""
        counts = {"sent": 0, "failed": 0, "skipped": 0}
        while items := self._claim_notifications(batch, settings.policy):
            for item in items:
                if item.to is None:
                    self._settle_notification(item.id, None, settings.policy, skipped=True)
                    counts["skipped"] += 1
            mailable = [item for item in items if item.to is not None]
            results = settings.transport.send([compose(i, settings.sender, settings.public_url) for i in mailable])
            for item, error in zip(mailable, results):
                self._settle_notification(item.id, error, settings.policy)
                counts["failed" if error else "sent"] += 1
            if len(items) < batch:
                break
        return counts
