"""How a refusal reads over HTTP: the status for its kind, the violations as `detail`."""

from fastapi import HTTPException

from platform_svc.domain.refusals import Refusal, RefusalKind

STATUS = {
    RefusalKind.NOT_FOUND: 404,
    RefusalKind.CONFLICT: 409,
    RefusalKind.INVALID: 422,
    RefusalKind.UPSTREAM: 502,
}


def refused(refusal: Refusal) -> HTTPException:
    return HTTPException(STATUS[refusal.kind], [violation.model_dump() for violation in refusal.violations])


def responses(*kinds: RefusalKind) -> dict[int | str, dict[str, str]]:
    """OpenAPI notes for the refusals a route may answer."""
    return {STATUS[kind]: {"description": kind.value.replace("_", " ")} for kind in kinds}
