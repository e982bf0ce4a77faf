"""Assembles a simulator app from a product's state and routes plus the common parts."""

from collections.abc import Sequence
from http import HTTPStatus

from fastapi import APIRouter, FastAPI, HTTPException, params

from mmp_simulators.control import control_router
from mmp_simulators.faults import FaultMiddleware
from mmp_simulators.simulator import JsonObject, ProductState, Simulator, SystemInfo


def build_app(
    system: SystemInfo,
    state: ProductState,
    product_router: APIRouter,
    *,
    api_dependencies: Sequence[params.Depends] = (),
    extra_control_routers: Sequence[APIRouter] = (),
) -> FastAPI:
    simulator = Simulator(system, state)
    app = FastAPI(title=f"{system.product} simulator (test stand-in)")
    app.state.simulator = simulator
    app.add_middleware(FaultMiddleware, injector=simulator.faults)
    app.include_router(control_router(simulator))
    for router in extra_control_routers:
        app.include_router(router)

    api = APIRouter(prefix="/api", dependencies=list(api_dependencies))

    @api.get("/system")
    async def get_system() -> JsonObject:
        return simulator.system.as_json()

    api.include_router(product_router)
    app.include_router(api)
    return app


def not_found(kind: str, key: str) -> HTTPException:
    return HTTPException(HTTPStatus.NOT_FOUND, f"{kind} {key} not found")


def conflict(detail: str) -> HTTPException:
    return HTTPException(HTTPStatus.CONFLICT, detail)
