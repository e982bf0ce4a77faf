"""The /_sim control API that tests use to inspect and steer a simulator."""

from http import HTTPStatus

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from mmp_simulators.faults import CONTROL_PREFIX, Faults
from mmp_simulators.simulator import JsonObject, Simulator


class VersionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str = Field(min_length=1)
    rest_api_scripts: bool | None = None


def control_router(simulator: Simulator) -> APIRouter:
    router = APIRouter(prefix=CONTROL_PREFIX, tags=["simulator control"])

    @router.get("/state")
    async def get_state() -> JsonObject:
        return simulator.snapshot()

    @router.post("/faults")
    async def merge_faults(patch: Faults) -> Faults:
        return simulator.faults.merge(patch)

    @router.delete("/faults")
    async def clear_faults() -> Faults:
        return simulator.faults.clear()

    @router.put("/version")
    async def set_version(update: VersionUpdate) -> JsonObject:
        system = simulator.system
        if update.rest_api_scripts is not None:
            if system.rest_api_scripts is None:
                raise HTTPException(
                    HTTPStatus.UNPROCESSABLE_ENTITY, f"{system.product} has no rest_api_scripts setting"
                )
            system.rest_api_scripts = update.rest_api_scripts
        system.version = update.version
        return system.as_json()

    @router.post("/reset")
    async def reset() -> JsonObject:
        simulator.reset()
        return simulator.snapshot()

    return router
