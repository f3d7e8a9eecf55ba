"""Persistence: the one package that speaks SQLAlchemy. Modules by noun; functions take a Session."""

from engine.store.db import Database, default_url
from engine.store.schema import upgrade

__all__ = ["Database", "default_url", "upgrade"]
