"""How a refusal reads over HTTP: the status for its kind, its violations in servicekit's one error model."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from mmp_contracts import Violation
from mmp_servicekit.http_errors import answer, error_responses
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
        return answer(STATUS[refusal.kind], refusal.violations or [_reason_of(refusal)])


def responses(*kinds: RefusalKind) -> dict[int | str, dict[str, Any]]:
    """OpenAPI notes for the refusals a route may answer, with the one error model."""
    return error_responses(*(STATUS[kind] for kind in kinds))


def _reason_of(refusal: Refusal) -> Violation:
    return Violation(field="request", rule=refusal.kind.value, message=refusal.reason)
