"""How a refusal reads over HTTP: the status for its kind, the violations as `detail`."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from platform_svc.management.domain.refusals import Refusal, RefusalKind

STATUS = {
    RefusalKind.NOT_FOUND: 404,
    RefusalKind.CONFLICT: 409,
    RefusalKind.INVALID: 422,
    RefusalKind.UPSTREAM: 502,
}


def answer_refusals(app: FastAPI) -> None:
    """Routes let a refusal propagate; this answers it."""

    @app.exception_handler(Refusal)
    async def refused(_: Request, refusal: Refusal) -> JSONResponse:
        detail = [violation.model_dump() for violation in refusal.violations]
        return JSONResponse(status_code=STATUS[refusal.kind], content={"detail": detail})


def responses(*kinds: RefusalKind) -> dict[int | str, dict[str, str]]:
    """OpenAPI notes for the refusals a route may answer."""
    return {STATUS[kind]: {"description": kind.value.replace("_", " ")} for kind in kinds}
