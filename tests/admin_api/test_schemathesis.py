"""schemathesis against the live /openapi.json of the admin API: no 500, no response outside its schema.

Bounded (a few examples per operation, no shrinking) so it stays a suite test, not a fuzzing run.
The database holds the demo organisation, letters and an audit, so ids in paths often exist.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.admin_api.conftest import ADMIN, forward_to, register


@pytest.fixture
def api_schema(app, runtime, demo):
    kk = demo.unit("มท 0201")
    for i in range(4):
        letter_id, _ = register(runtime, kk, subject=f"หนังสือทดสอบสคีมา {i}", secrecy="confidential" if i == 3 else None)
        if i % 2:
            forward_to(runtime, letter_id, demo.person("owner"))
    from registry.audits import AuditRequest, create_audit
    from registry.events import Actor
    import datetime as dt

    with runtime.transaction() as s:
        create_audit(s, AuditRequest(unit_ids=(kk,), period_from=dt.date(2026, 3, 1), period_to=dt.date(2026, 3, 31),
                                     sample_size=2, seed=1), actor=Actor(None, "test"), clock=runtime.clock)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # The admin room's operations (the chat room's /chat/api routes are tested by their owners).
    return schema.include(path_regex=r"^/(api/v1/|healthz|metrics)")


OPERATIONS_BUDGET = 6  # examples per operation and generation mode


def test_api_never_errors_and_keeps_its_schema(api_schema):
    """Every admin operation, positive and negative data: no 5xx, documented responses match their schema."""
    from hypothesis import given
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode

    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=OPERATIONS_BUDGET, deadline=None, phases=[Phase.generate], database=None,
                      suppress_health_check=list(HealthCheck), derandomize=True)
            def run(case):
                case.call_and_validate(headers=ADMIN, checks=checks)

            try:
                run()
            except Unsatisfiable:  # nothing to negate (an operation without parameters or body)
                continue
            except Exception as exc:  # collect every operation's failure, then report them together
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:800]}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
