"""One blueprint per noun, all under /api/v1."""

from server.routes.actions import bp as actions
from server.routes.config import bp as config
from server.routes.documents import bp as documents
from server.routes.deputies import bp as deputies
from server.routes.events import bp as events
from server.routes.meta import bp as meta
from server.routes.notifications import bp as notifications
from server.routes.public import bp as public
from server.routes.records import bp as records
from server.routes.session import bp as session
from server.routes.stats import bp as stats
from server.routes.studio import bp as studio
from server.routes.tasks import bp as tasks

BLUEPRINTS = [meta, events, documents, tasks, actions, public, config, studio, session, notifications, records, stats,
              deputies]

__all__ = ["BLUEPRINTS"]
