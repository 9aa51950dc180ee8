"""Fuzzing from the contract: schemathesis generates requests, valid and invalid, from
``/api/openapi.json`` and sends them to the WSGI app on PostgreSQL, as each role. Every
answer must be no 5xx, a documented status, and a body matching its documented schema.

The run is bounded and reproducible (derandomized); ``make fuzz`` runs it longer with
``TICKETING_FUZZ_EXAMPLES``. A fault found here is fixed where it belongs and its input
is kept as a plain test (tests/security/test_fuzz_findings.py).
"""
import functools
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from tests.security.conftest import ROLES

EXAMPLES = int(os.environ.get("TICKETING_FUZZ_EXAMPLES", "12"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.response_schema_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure shows its input
    suppress_health_check=list(HealthCheck),
)




def load_schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)


def has_free_inputs(operation):
    """A body or query parameters: inputs a client fills freely. (Path segments are
    strings or digits whose invalid forms the bad-input suite sends.)"""
    return bool(len(operation.query) or len(operation.body))


@functools.cache
def collection_app():
    """The whole app, never connected to a database: enough to read its OpenAPI document
    at collection time (the document needs no database)."""
    from ticketing import make_config
    from tests.conftest import base_settings

    return make_config(base_settings("postgresql+psycopg://collection@127.0.0.1:1/none")
                       ).make_wsgi_app()


def operation_cases():
    """``(method, path, mode)`` of every documented operation; negative cases where
    there is a free input to make invalid."""
    cases = []
    for result in load_schema(collection_app()).get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE] + [GenerationMode.NEGATIVE] * has_free_inputs(operation)
        for mode in modes:
            method = operation.method.upper()
            cases.append(pytest.param(method, operation.path, mode,
                                      id=f"{method} {operation.path} {mode}"))
    return sorted(cases, key=lambda case: case.id)


@pytest.mark.parametrize("method,path,mode", operation_cases())
def test_every_operation_as_every_role(app, world, method, path, mode):
    """Each generated request is sent once per role (anonymous, customer, employee,
    admin): the same input meets every authorization branch."""
    operation = load_schema(app.app)[path][method]
    roles = {role: world.headers[role] for role in ROLES if role != "other"}

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for headers in roles.values():
            case.call_and_validate(headers={**(case.headers or {}), **headers}, checks=CHECKS)

    run()
