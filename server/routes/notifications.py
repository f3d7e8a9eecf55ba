"""The caller's notifications in the app (unread first, marking one read, how each kind reaches them), and the
outbox for the systemförvaltare."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from server.auth import current_user
from server.http import endpoint, engine
from server.schemas import (InboxOut, NotificationOut, NotificationSettingIn, NotificationSettingOut, OutboxItemOut,
                            OutboxQueryIn, PageIn)

bp = Blueprint("notifications", __name__, url_prefix="/api/v1")


@endpoint(bp, "/me/notifications", summary="Dina notifieringar, olästa först, och hur många som är olästa",
          query=PageIn, response=InboxOut)
def inbox(query: dict[str, Any]) -> dict[str, Any]:
    return engine().my_notifications(current_user(), query["limit"], query["offset"])


@endpoint(bp, "/me/notifications/<int(max=2147483647):notification_id>/read", "POST",
          summary="Markera notifieringen som läst", response=NotificationOut)
def mark_read(notification_id: int) -> dict[str, Any]:
    return engine().mark_notification_read(notification_id, current_user())


@endpoint(bp, "/me/notifications/settings", summary="Hur du får varje typ av notifiering",
          response=NotificationSettingOut, many=True)
def settings() -> list[dict[str, Any]]:
    return engine().notification_settings(current_user())


@endpoint(bp, "/me/notifications/settings/<string:kind>", "PUT",
          summary="Välj direkt, daglig sammanställning eller bara i appen för en typ av notifiering",
          body=NotificationSettingIn, response=NotificationSettingOut, many=True)
def set_setting(kind: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    return engine().set_notification_setting(current_user(), kind, body["delivery"])


@endpoint(bp, "/admin/outbox", summary="Utkorgen: notifieringar med leveransstatus (systemförvaltare)",
          query=OutboxQueryIn, response=OutboxItemOut, many=True)
def outbox(query: dict[str, Any]) -> list[dict[str, Any]]:
    return engine().admin_outbox(current_user(), query.get("status"), query["limit"])


@endpoint(bp, "/admin/outbox/<int(max=2147483647):notification_id>/retry", "POST",
          summary="Skicka en notifiering igen från första försöket (systemförvaltare)", response=OutboxItemOut)
def retry(notification_id: int) -> dict[str, Any]:
    return engine().admin_outbox_retry(current_user(), notification_id)
