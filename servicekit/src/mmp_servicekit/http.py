"""The FastAPI app of a service: lifespan, `/health`, `/ready`, `/metrics`, AsyncAPI, bearer auth, the one error
model (`http_errors`) on every answer and in the OpenAPI, and the limit on a request body's size."""

import hmac
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from mmp_contracts import topics
from mmp_contracts.registry import CATALOGUE, MESSAGE_TYPES
from mmp_servicekit import asyncapi as asyncapi_docs
from mmp_servicekit import http_errors
from mmp_servicekit.http_errors import MAX_BODY_BYTES, ApiRefusal, BodyLimit
from mmp_servicekit.http_observation import ObservedRequests
from mmp_servicekit.logs import configure_logging
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings, load
from mmp_servicekit.store import StoreNotConfigured
from mmp_servicekit.tenancy import (
    CUSTOMER_ADMIN,
    SP_ADMIN,
    Principal,
    customer_of_token,
    principal_of,
    sp_admin_only,
    tenant_guard,
)

S = TypeVar("S", bound=ServiceSettings)


def bearer_auth(runtime: Runtime) -> Any:
    """SP admins by the admin token; customer admins by a signed token. Others: 401."""
    bearer = HTTPBearer(auto_error=False)
    admin_token = runtime.settings.admin_token.get_secret_value().encode()
    token_secret = runtime.settings.token_secret.get_secret_value()

    async def authenticate(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> Principal:
        token = credentials.credentials if credentials else ""
        customer_id = customer_of_token(token_secret, token) if token else None
        if token and hmac.compare_digest(token.encode("utf-8", "surrogatepass"), admin_token):
            request.state.principal = Principal(role=SP_ADMIN)
        elif customer_id is not None:
            request.state.principal = Principal(role=CUSTOMER_ADMIN, customer_id=customer_id)
        else:
            raise ApiRefusal.of(
                401,
                "Authorization",
                "authentication",
                "a valid bearer token is required",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return principal_of(request)

    return authenticate


def create_app(
    runtime: Runtime,
    routers: Sequence[APIRouter],
    title: str,
    tenant_scoped: bool = False,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """`tenant_scoped`: customer admins may call the routes, each route guarding its own customer;
    otherwise every route needs an SP admin. A body over `max_body_bytes` is refused (413)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, lifespan=lifespan)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(ObservedRequests, metrics=runtime.metrics)  # outermost: it also counts the 413s
    authenticate = bearer_auth(runtime)
    guards = [Depends(authenticate), Depends(tenant_guard if tenant_scoped else sp_admin_only)]
    for router in routers:
        app.include_router(router, dependencies=guards)
    http_errors.install(app)

    def openapi() -> dict[str, Any]:
        # at the first request for it, so that routers included after this function are documented too
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            http_errors.document_errors(document, every_route_sp_only=not tenant_scoped, tenant_scoped=tenant_scoped)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        checks = await runtime.readiness()
        return JSONResponse(status_code=200 if all(checks.values()) else 503, content=checks)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> dict[str, Any]:
        return asyncapi_document(runtime)

    return app


def run_service(name: str, settings: type[S], app_of: Callable[[S], FastAPI], port_of: Callable[[S], int]) -> None:
    """A service's `main`: its settings (it stops, naming them, when a secret or its store is missing), its
    logs, its app, served until SIGINT or SIGTERM."""
    loaded = load(settings)
    configure_logging(name, loaded.log_level)
    try:
        app = app_of(loaded)
    except StoreNotConfigured as error:
        raise SystemExit(f"{name} cannot start: {error}") from None
    serve(app, loaded.host, port_of(loaded))


def serve(app: FastAPI, host: str, port: int) -> None:
    """Runs a service's app until SIGINT or SIGTERM; logs go through the service's JSON formatter."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False, loop="uvloop")


def asyncapi_document(runtime: Runtime) -> dict[str, Any]:
    """What the service receives (its router's table) and sends (every message of the topic it owns)."""
    receives = [MESSAGE_TYPES[name] for name in runtime.router.handlers]
    sends = [cls for cls in CATALOGUE if topics.PUBLISHER.get(cls.topic) == runtime.name]
    return asyncapi_docs.document(runtime.name, receives, sends)
