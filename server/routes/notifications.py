"""The caller's notifications in the app: newest first with the unread count, marking one read, and which kinds
they want by e-mail."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from server.auth import current_user
from server.http import endpoint, engine
from server.schemas import InboxOut, NotificationOut, NotificationSettingIn, NotificationSettingOut, PageIn

bp = Blueprint("notifications", __name__, url_prefix="/api/v1")


@endpoint(bp, "/notifications", summary="Dina notifieringar, nyaste först, och hur många som är olästa",
          query=PageIn, response=InboxOut)
def inbox(query: dict[str, Any]) -> dict[str, Any]:
    return engine().my_notifications(current_user(), query["limit"], query["offset"])


@endpoint(bp, "/notifications/<int(max=2147483647):notification_id>/read", "POST",
          summary="Markera notifieringen som läst", response=NotificationOut)
def mark_read(notification_id: int) -> dict[str, Any]:
    return engine().mark_notification_read(notification_id, current_user())


@endpoint(bp, "/notifications/settings", summary="Vilka notifieringar du får med e-post",
          response=NotificationSettingOut, many=True)
def settings() -> list[dict[str, Any]]:
    return engine().notification_settings(current_user())


@endpoint(bp, "/notifications/settings/<string:kind>", "PUT",
          summary="Slå på eller av e-post för en typ av notifiering",
          body=NotificationSettingIn, response=NotificationSettingOut, many=True)
def set_setting(kind: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    return engine().set_notification_setting(current_user(), kind, body["email"])
