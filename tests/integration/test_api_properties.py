"""Property-based API tests from the OpenAPI description (schemathesis): whatever the input,
no route answers with a server error, and every answer matches the description."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from _web import USERS, WebApp, make_app, sign_in
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from justicelink.web.security import COOKIE

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Who may call each API route (the role matrix of test_web_roles): generated requests are
# made as a role that is allowed, so they reach the code behind the permission check.
CALLER = {
    "/api/measures": "analyst",
    "/api/measures/{name}": "analyst",
    "/api/measures/{name}/csv": "agency_officer",
    "/api/persons/{person_id}": "agency_officer",
    "/api/review": "linkage_reviewer",
    "/api/audit": "auditor",
}


@pytest.fixture(scope="module")
def signed_in(
    linked_country: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[WebApp, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("api")
    web = make_app(linked_country, f"sqlite:///{tmp / 'store.sqlite'}", tmp)
    cookies = {}
    for role, (name, _agency) in USERS.items():
        with TestClient(web.app) as client:
            sign_in(client, web, name)
            cookies[role] = client.cookies[COOKIE]
    return web, cookies


@pytest.fixture(scope="module")
def operations(signed_in: tuple[WebApp, dict[str, str]]) -> dict[str, schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", signed_in[0].app)
    return {op.ok().path: op.ok() for op in schema.get_all_operations()}


def test_every_api_route_is_described(operations: dict[str, schemathesis.APIOperation]) -> None:
    assert set(operations) == set(CALLER)


# schemathesis's own pytest plugin does not run under pytest 9 yet (it reads a private
# attribute pytest removed); its strategies are driven here by Hypothesis directly.
# Every operation as the role allowed to call it (valid inputs, and inputs the description
# forbids where a parameter is constrained), and as every other role (the refusals must be
# described answers too, never a 5xx).
NEGATIVE = ("/api/persons/{person_id}", "/api/review", "/api/audit", "/api/measures/{name}")
RUNS = (
    [(path, GenerationMode.POSITIVE, CALLER[path], 25) for path in sorted(CALLER)]
    + [(path, GenerationMode.NEGATIVE, CALLER[path], 20) for path in NEGATIVE]
    + [
        (path, GenerationMode.POSITIVE, role, 5)
        for path in sorted(CALLER)
        for role in sorted(USERS)
        if role != CALLER[path]
    ]
)


@pytest.mark.parametrize(("path", "mode", "role", "examples"), RUNS)
def test_no_input_makes_the_api_fail(
    operations: dict[str, schemathesis.APIOperation],
    signed_in: tuple[WebApp, dict[str, str]],
    path: str,
    mode: GenerationMode,
    role: str,
    examples: int,
) -> None:
    _, cookies = signed_in
    operation = operations[path]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case: schemathesis.Case) -> None:
        response = case.call(cookies={COOKIE: cookies[role]})
        case.validate_response(response, checks=CHECKS)

    call()
