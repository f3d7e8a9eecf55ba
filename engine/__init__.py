"""avvik's engine: definition files -> releases -> SpiffWorkflow cases -> the database.

Nothing here knows about HTTP. Build an `Engine` with a `Database` and call its use cases.
"""

from engine.api import Engine
from engine.store.db import Database

__all__ = ["Engine", "Database"]
