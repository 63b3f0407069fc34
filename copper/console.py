"""`copper dev`'s console: one plain line per event, or (verbose) the JSON and access logs.

The plain console keeps what an operator watches for: each message the workers handle, as
"12:03:04 upload  'Dusk over the estuary' by Ana → ready in 1.4 s", and every warning or
error as one line. The JSON logs, the embedded metrics and the HTTP access logs are what
`--verbose` (and `copper worker --console json`, its default) shows, as on Lambda.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings

# Loggers of the handlers (Powertools, named after their service), of the services and of
# the two web apps (which `copper dev` serves in its own process).
LOGGERS = (
    "copper",
    "copper-processor",
    "copper-indexer",
    "copper-sweeper",
    "heroku_web",
    "heroku_artist",
)
# The processor's own "message failed" record: the event line already says it failed.
SAID_AS_EVENTS = ("copper-processor",)


def stamp() -> str:
    """Return the local time of day, as the console prefixes each line."""
    return time.strftime("%H:%M:%S")


def say_event(line: str) -> None:
    """Print one event line on standard error."""
    print(f"{stamp()} {line}", file=sys.stderr, flush=True)


class PlainLine(logging.Formatter):
    """A log record as one console line: time, level, message, and the error's class."""

    def format(self, record: logging.LogRecord) -> str:
        """Return "12:03:04 warning  message (ErrorClass: text)"."""
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            text = f"{text} ({type(error).__name__}: {error})"
        return f"{stamp()} {record.levelname.lower():<8} {text}"


def plain_logs(said_as_events: tuple[str, ...] = ()) -> None:
    """Send the project's loggers to the console as plain lines, warnings and errors only.

    The plain handler stands in for the JSON one (`service.logs.configure_logging` then
    adds none). Loggers in `said_as_events` are silenced: the event lines say it already.
    """
    plain = logging.StreamHandler(sys.stderr)
    plain.setFormatter(PlainLine())
    plain.copper_json = True  # type: ignore[attr-defined]
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.addHandler(plain)
        logger.setLevel(logging.CRITICAL if name in said_as_events else logging.WARNING)
        logger.propagate = False


def quiet_servers() -> None:
    """Drop the HTTP access logs and the info-level JSON logs of the API and the web apps.

    Call it once they are created: each app sets its loggers up when it is made.
    """
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    plain_logs()


def quiet_worker() -> None:
    """Drop the worker's metrics and info-level JSON logs; warnings and errors are lines.

    Call it after the handlers are imported: Powertools adds its JSON handler then.
    """
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    plain_logs(SAID_AS_EVENTS)
