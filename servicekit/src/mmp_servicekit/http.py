"""The FastAPI app of a service: lifespan, `/health`, `/ready`, `/metrics`, AsyncAPI, bearer auth."""

import hmac
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from mmp_contracts import topics
from mmp_contracts.registry import CATALOGUE, MESSAGE_TYPES
from mmp_servicekit import asyncapi as asyncapi_docs
from mmp_servicekit.http_observation import ObservedRequests
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.tenancy import (
    CUSTOMER_ADMIN,
    SP_ADMIN,
    Principal,
    customer_of_token,
    principal_of,
    sp_admin_only,
    tenant_guard,
)


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
        if token and hmac.compare_digest(token.encode(), admin_token):
            request.state.principal = Principal(role=SP_ADMIN)
        elif customer_id is not None:
            request.state.principal = Principal(role=CUSTOMER_ADMIN, customer_id=customer_id)
        else:
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        return principal_of(request)

    return authenticate


def create_app(runtime: Runtime, routers: Sequence[APIRouter], title: str, tenant_scoped: bool = False) -> FastAPI:
    """`tenant_scoped`: customer admins may call the routes, each route guarding its own customer;
    otherwise every route needs an SP admin."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, lifespan=lifespan)
    app.add_middleware(ObservedRequests, metrics=runtime.metrics)
    guards = [Depends(bearer_auth(runtime)), Depends(tenant_guard if tenant_scoped else sp_admin_only)]
    for router in routers:
        app.include_router(router, dependencies=guards)

    @app.exception_handler(RequestValidationError)
    async def validation_failed(_: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": violations_of(error)})

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


def violations_of(error: RequestValidationError) -> list[dict[str, str]]:
    """Shape errors in the same form as rule violations: the field, the rule, a message."""
    return [
        {
            "field": ".".join(str(part) for part in item["loc"][1:]) or "body",
            "rule": f"schema:{item['type']}",
            "message": item["msg"],
        }
        for item in error.errors()
    ]


def serve(app: FastAPI, host: str, port: int) -> None:
    """Runs a service's app until SIGINT or SIGTERM; logs go through the service's JSON formatter."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


def asyncapi_document(runtime: Runtime) -> dict[str, Any]:
    """What the service receives (its router's table) and sends (every message of the topic it owns)."""
    receives = [MESSAGE_TYPES[name] for name in runtime.router.handlers]
    sends = [cls for cls in CATALOGUE if topics.PUBLISHER.get(cls.topic) == runtime.name]
    return asyncapi_docs.document(runtime.name, receives, sends)
