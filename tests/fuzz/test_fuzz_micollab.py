"""micollab-svc has no HTTP API of its own (only servicekit's probes, metrics and AsyncAPI, outside the OpenAPI):
nothing to fuzz, which this says, so that a route added later is fuzzed here. Hostile tokens never make it fail."""

from pathlib import Path

import httpx

from micollab_svc.bootstrap import MiCollabSettings, build


async def test_its_openapi_has_no_operation_yet_and_no_token_makes_it_fail(
    tmp_path: Path, bearer_tokens: list[bytes]
) -> None:
    service = build(MiCollabSettings(store_url=f"sqlite://{tmp_path / 'micollab.db'}"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app), base_url="http://svc") as http:
        assert (await http.get("/openapi.json")).json()["paths"] == {}, "a new route: fuzz it like the others"
        for authorization in bearer_tokens:
            headers = {"Authorization": authorization} if authorization else {}
            for path in ("/health", "/asyncapi.json", "/api/v1/tenants"):
                response = await http.get(path, headers=headers)
                assert response.status_code < 500, (path, authorization[:40], response.text)
            missing = await http.get("/api/v1/tenants", headers=headers)
            assert missing.json()["detail"][0]["rule"] == "not_found"
