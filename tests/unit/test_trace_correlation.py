"""A function's log lines carry both the web app's request id and the X-Ray trace id.

With Lambda's active tracing, the trace of an invocation and its log lines share the trace
id; the request id the Heroku app sent (X-Request-Id) is in the same lines, so one search
finds the web app's log, the function's log and the trace.
"""

from __future__ import annotations

import io
import json
import logging

import pytest

from service.logs import REQUEST_ID, json_handler

TRACE = "Root=1-67a0b2c3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"


def test_a_log_line_in_a_traced_request_names_the_request_and_the_trace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("_X_AMZN_TRACE_ID", TRACE)
    stream = io.StringIO()
    logger = logging.getLogger("copper.test.trace")
    logger.addHandler(json_handler("copper-test", stream))
    logger.setLevel(logging.INFO)
    token = REQUEST_ID.set("heroku-req-0123456789")
    try:
        logger.info("answered")
    finally:
        REQUEST_ID.reset(token)
        logger.handlers.clear()
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "heroku-req-0123456789"
    assert line["xray_trace_id"] == "1-67a0b2c3-0123456789abcdef01234567"
