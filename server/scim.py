"""The SCIM 2.0 endpoint at /scim/v2 (Users, Groups, ServiceProviderConfig, Schemas, ResourceTypes; filters,
PATCH, ETags), for an IDM to push people and group memberships.

The protocol is scim2-server's WSGI application (on scim2-models), mounted beside the Flask app. Its storage is
this module's EngineStorage: the resources live in the database through the engine (engine/provisioning.py),
and every write also brings avvik's users and grants in line through the mapping file (AVVIK_IDM_MAPPING, the
same file as `avvik idm sync`). Requests carry a token made with `avvik scim token create`.

Reads and filters evaluate over the stored resources of the type, loaded per request into scim2-server's own
evaluator (InMemoryStorage): correct for every filter the server announces, linear in the number of resources.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from scim2_models import (InvalidValueException, ResourceType, ResponseParameters, ScimProvider, SearchRequest,
                          UnauthorizedException)
from scim2_models import Resource
from scim2_server.applications.wsgi import WSGIApplication
from scim2_server.memory import InMemoryStorage
from scim2_server.requests import ScimRequest
from scim2_server.storage import ScimStorage, SearchPage
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME
from scim2_server.utils import (load_default_resource_types, load_default_schemas,
                                load_default_service_provider_config)

from engine.api import AuthenticationFailed, Engine, InvalidInput

__all__ = ["scim_application"]


class _Evaluator(InMemoryStorage):
    """scim2-server's evaluator for one request: versions unique across requests, not a per-process counter."""

    def next_version(self) -> str:
        return f'W/"{uuid.uuid4().hex}"'


class EngineStorage(ScimStorage):
    def __init__(self, engine: Engine, provider: ScimProvider, mapping: Path) -> None:
        self.engine = engine
        self.provider = provider
        self.mapping = mapping

    def _evaluator(self, names: list[str]) -> _Evaluator:
        evaluator = _Evaluator()
        loaded = []
        for name in names:
            model = self.provider.model_for(name)
            assert model is not None
            loaded.extend(model.model_validate(doc) for doc in self.engine.scim_resources(name))
        evaluator.resources = loaded
        return evaluator

    def _save(self, resource_type: ResourceType, resource: Resource[Any]) -> None:
        try:
            self.engine.scim_write(resource_type.name, resource.model_dump(mode="json"), self.mapping.read_bytes())
        except InvalidInput as error:
            raise InvalidValueException(detail=error.message) from None

    def get(self, resource_type: ResourceType, resource_id: str, *,
            response_parameters: ResponseParameters[Any] | None = None) -> Resource[Any]:
        return self._evaluator([resource_type.name]).get(resource_type, resource_id)

    def search(self, resource_types: list[ResourceType], search_request: SearchRequest[Any], *,
               position: Any = None) -> SearchPage:
        names = list(dict.fromkeys(rt.name for rt in resource_types))
        return self._evaluator(names).search(resource_types, search_request, position=position)

    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        created = self._evaluator([resource_type.name]).create(resource_type, resource)
        self._save(resource_type, created)
        return created

    def update(self, resource_type: ResourceType, resource: Resource[Any], *,
               expected_version: str | None = None) -> Resource[Any]:
        updated = self._evaluator([resource_type.name]).update(resource_type, resource,
                                                               expected_version=expected_version)
        self._save(resource_type, updated)
        return updated

    def delete(self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None) -> None:
        self._evaluator([resource_type.name]).delete(resource_type, resource_id, expected_version=expected_version)
        self.engine.scim_remove(resource_id, self.mapping.read_bytes())


class _App(WSGIApplication):
    def __init__(self, storage: EngineStorage, provider: ScimProvider) -> None:
        super().__init__(storage, provider)
        self.engine = storage.engine

    def check_auth(self, request: ScimRequest) -> None:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        try:
            if scheme.lower() != "bearer":
                raise AuthenticationFailed()
            self.engine.authenticate_scim(token.strip())
        except AuthenticationFailed:
            raise UnauthorizedException from None


def scim_application(engine: Engine, mapping: Path) -> WSGIApplication:
    """The SCIM application over the engine; what it declares (no bulk, no password change) it fully serves."""
    config = load_default_service_provider_config()
    config.bulk.supported = False
    config.bulk.max_operations = 0
    config.bulk.max_payload_size = 0
    config.change_password.supported = False
    config.authentication_schemes = [BEARER_TOKEN_SCHEME]
    provider = ScimProvider.from_discovery(load_default_schemas().values(), load_default_resource_types().values(),
                                          config=config)
    return _App(EngineStorage(engine, provider, mapping), provider)
