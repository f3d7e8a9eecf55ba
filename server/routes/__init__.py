"""One blueprint per noun, all under /api/v1."""

from server.routes.actions import bp as actions
from server.routes.config import bp as config
from server.routes.deputies import bp as deputies
from server.routes.events import bp as events
from server.routes.meta import bp as meta
from server.routes.notifications import bp as notifications
from server.routes.public import bp as public
from server.routes.session import bp as session
from server.routes.tasks import bp as tasks

BLUEPRINTS = [meta, events, tasks, actions, public, config, session, notifications, deputies]

__all__ = ["BLUEPRINTS"]
