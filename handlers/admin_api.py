"""Lambda entry point of the admin API (dead letters, reprocessing, reindex, audit).

Besides API Gateway requests it takes `{"copper_task": ID}`: the asynchronous invocation
the API makes of itself to run a long task (a search index rebuild) past the 30 s limit.
"""

from __future__ import annotations

from typing import Any

from handlers.wsgi import api_handler
from service.adapters.lambda_invoke import TASK_KEY
from service.http.context import services_of

app, http_handler = api_handler(("admin",))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer an API request, or run a background task."""
    if TASK_KEY in event:
        task = services_of(app()).run_task(str(event[TASK_KEY]))
        return {"task": task.to_dict()}
    return http_handler(event, context)
