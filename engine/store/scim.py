"""SCIM resources as the IDM pushed them, and the SCIM endpoint's bearer tokens."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import ScimResource, ScimToken

__all__ = ["resources", "get", "put", "delete", "add_token", "token_by_hash"]


def resources(session: Session, resource_type: str | None = None) -> list[ScimResource]:
    query = select(ScimResource).order_by(ScimResource.id)
    if resource_type is not None:
        query = query.where(ScimResource.resource_type == resource_type)
    return list(session.scalars(query))


def get(session: Session, resource_id: str) -> ScimResource | None:
    return session.get(ScimResource, resource_id)


def put(session: Session, resource_id: str, resource_type: str, data: dict[str, Any]) -> None:
    row = session.get(ScimResource, resource_id)
    if row is None:
        session.add(ScimResource(id=resource_id, resource_type=resource_type, data=data))
    else:
        row.data = data
    session.flush()


def delete(session: Session, resource_id: str) -> bool:
    row = session.get(ScimResource, resource_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def add_token(session: Session, token_hash: str, label: str | None) -> None:
    session.add(ScimToken(token_hash=token_hash, label=label))
    session.flush()


def token_by_hash(session: Session, token_hash: str) -> ScimToken | None:
    return session.scalar(select(ScimToken).where(ScimToken.token_hash == token_hash))
