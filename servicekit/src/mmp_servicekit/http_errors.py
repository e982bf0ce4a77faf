"""The one shape of every error a service answers, whatever its status (401, 403, 404, 409, 410, 413, 422, 502):

    {"detail": [{"field": "details.webid", "rule": "R6", "message": "WebID 'harbour-dental' is taken"}]}

A list of violations, each naming the field (a dotted path, list positions in brackets: `service_bundles[2].quantity`;
`Authorization`, `body` or a path parameter when the request as a whole is refused), the rule (`R1`-`R28`,
`schema:<type>` for a shape error, or a word for what HTTP itself refuses) and a message. `task_id` is the task
that recorded a refusal, when one did. The OpenAPI documents this model on every route where it can happen.
"""

import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mmp_contracts import Violation

MAX_BODY_BYTES = 256 * 1024
"""A request body larger than this is refused with 413. The largest body a real request needs (a customer with
every section filled) is a few kilobytes; this also keeps every event that carries a request far below Kafka's
1 MiB limit on a message."""

DESCRIPTIONS = {
    400: "The body is not JSON",
    401: "No valid bearer token",
    403: "The token may not do this",
    404: "Not found",
    405: "Method not allowed",
    409: "Refused as things stand, or what it asks for is another's",
    410: "Gone",
    413: "The request body is too large",
    422: "The request breaks the schema or a rule",
    502: "A platform this depends on did not answer as it must",
}
_WORDS = {
    400: "malformed",
    401: "authentication",
    403: "authorization",
    404: "not_found",
    405: "method_not_allowed",
    413: "size",
}
_FIELDS = {400: "body", 401: "Authorization", 403: "Authorization", 404: "path", 405: "method", 413: "body"}


class ApiError(BaseModel):
    """Every error answer: the violations, each with its field, rule and message."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"detail": [{"field": "details.webid", "rule": "R6", "message": "WebID 'harbour-dental' is taken"}]}
            ]
        }
    )

    detail: list[Violation] = Field(min_length=1)
    task_id: str | None = Field(default=None, description="The task that recorded the refusal, when one did.")


class ApiRefusal(HTTPException):
    """Raised by a route (or a dependency) to answer with the error model."""

    def __init__(
        self,
        status: int,
        violations: Sequence[Violation],
        *,
        task_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.violations = list(violations) or [_violation_for(status, DESCRIPTIONS.get(status, "refused"))]
        self.task_id = task_id
        super().__init__(status, [v.model_dump() for v in self.violations], headers)

    @classmethod
    def of(cls, status: int, field: str, rule: str, message: str, **options: Any) -> "ApiRefusal":
        return cls(status, [Violation(field=field, rule=rule, message=message)], **options)


def not_found(field: str, message: str = "not found") -> ApiRefusal:
    return ApiRefusal.of(404, field, "not_found", message)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI notes for the errors a route may answer, all with the one model."""
    return {status: {"model": ApiError, "description": DESCRIPTIONS.get(status, "Error")} for status in statuses}


def answer(status: int, violations: Sequence[Violation], task_id: str | None = None, **kwargs: Any) -> JSONResponse:
    body = ApiError(detail=list(violations), task_id=task_id)
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), status_code=status, **kwargs)


def install(app: FastAPI) -> None:
    """Every HTTPException (ours, FastAPI's, Starlette's 404 and 405) and every validation error in the one shape."""

    @app.exception_handler(StarletteHTTPException)
    async def refused(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if isinstance(error, ApiRefusal):
            return answer(error.status_code, error.violations, error.task_id, headers=error.headers)
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = ", ".join(_methods_at(app, request.url.path))
        return answer(error.status_code, _violations_in(error.status_code, error.detail), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        return answer(422, violations_of(error))


def _methods_at(app: FastAPI, path: str) -> list[str]:
    """Every method the OpenAPI documents for the path (Starlette's own 405 names only one route's)."""
    methods: list[str] = []
    for template, operations in app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods += [method.upper() for method in operations]
    return methods


def violations_of(error: RequestValidationError) -> list[Violation]:
    """A schema error as a violation: the field where it is, `schema:<pydantic's type>`, pydantic's message."""
    return [
        Violation(field=field_path(item["loc"], error.body), rule=f"schema:{item['type']}", message=_message_of(item))
        for item in error.errors()
    ]


def field_path(loc: Sequence[int | str], body: Any = None) -> str:
    """`("body", "service_bundles", 2, "quantity")` -> `service_bundles[2].quantity`. Where the request's
    body is known, a name that is not in it but has more after it is a union member's tag, not a field."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    node, path = body, ""
    for index, part in enumerate(parts):
        if isinstance(part, int) and isinstance(node, list):
            path += f"[{part}]"
            node = node[part] if 0 <= part < len(node) else None
            continue
        if isinstance(node, dict) and part not in node and index < len(parts) - 1 and body is not None:
            continue
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        node = node.get(part) if isinstance(node, dict) else None
    return path or "body"


def _message_of(item: dict[str, Any]) -> str:
    message = str(item["msg"])
    if item["type"] == "json_invalid" and item.get("ctx"):
        message = f"{message}: {item['ctx'].get('error')}"
    return message


def _violations_in(status: int, detail: Any) -> list[Violation]:
    if isinstance(detail, list) and all(isinstance(item, dict) for item in detail) and detail:
        return [Violation.model_validate(item) for item in detail]
    return [_violation_for(status, str(detail))]


def _violation_for(status: int, message: str) -> Violation:
    return Violation(field=_FIELDS.get(status, "request"), rule=_WORDS.get(status, f"http:{status}"), message=message)


class BodyLimit:
    """413 for a request whose body is larger than `max_bytes`: at once when its Content-Length says so, or as
    soon as a streamed body goes past it. A plain ASGI middleware."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((value for name, value in scope["headers"] if name == b"content-length"), b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse()(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._refusal()  # FastAPI answers an HTTPException raised while it reads the body
            return message

        await self.app(scope, counted, send)

    def _refusal(self) -> ApiRefusal:
        message = f"the request body is larger than {self.max_bytes} bytes"
        return ApiRefusal.of(413, "body", "size", message)

    def _refuse(self) -> JSONResponse:
        refusal = self._refusal()
        return answer(413, refusal.violations, headers={"Connection": "close"})


def document_errors(openapi: dict[str, Any], *, every_route_sp_only: bool, tenant_scoped: bool) -> dict[str, Any]:
    """Declares, on every operation of the document, the errors it can answer whatever it does, all with the
    one model: 401 behind the bearer token (403 too where every route needs an SP admin), 404 for another
    tenant's customer, 400 and 413 with a body, 422 with any parameter or body; and replaces FastAPI's own
    422 model, which is not what is answered. What a route refuses of its own it declares itself."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    model = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(model.pop("$defs", {}))
    schemas["ApiError"] = model
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, operations in openapi.get("paths", {}).items():
        for operation in operations.values():
            statuses = []
            if operation.get("security"):
                statuses += [401, 403] if every_route_sp_only else [401]
            if tenant_scoped and operation.get("security") and "{customer_id}" in path:
                statuses.append(404)
            if "requestBody" in operation:
                statuses += [400, 413]
            if "requestBody" in operation or operation.get("parameters"):
                statuses.append(422)
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    return openapi
