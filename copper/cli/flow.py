"""Commands over the event flow: dead letters, reindex, reprocess, sweep and audit."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import click

from content.model import Status
from content.repository import NotFound
from copper.cli.context import CliContext, pass_cli
from ingest.maintenance import DeadLetterFilter, DeadLetterView, ReprocessFilter
from messaging.queue import MoveTask, NoSuchMoveTask

if TYPE_CHECKING:
    from ingest.audit import Finding
    from service.bootstrap import Services

DURATION = re.compile(r"^(\d+)([smhd]?)$")
SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(_ctx: Any, _param: Any, value: str | None) -> int | None:
    """Parse '90', '15m', '2h' or '3d' into seconds."""
    if value is None:
        return None
    match = DURATION.match(value.strip())
    if not match:
        raise click.BadParameter("use seconds, or a number with s, m, h or d (e.g. 2h)")
    return int(match[1]) * SECONDS[match[2]]


def artist_id(services: Services, reference: str | None) -> str | None:
    """Return the id of an artist given by id or slug."""
    if reference is None:
        return None
    try:
        return services.repository.find_artist_by_slug(reference).id
    except NotFound:
        try:
            return services.repository.get_artist(reference).id
        except NotFound as error:
            raise click.BadParameter(f"no artist {reference!r}") from error


# dead letters


@click.group("dlq")
def dlq() -> None:
    """Inspect, replay and purge the dead-letter queue."""


def print_letters(letters: list[DeadLetterView]) -> None:
    """Print dead letters as a table."""
    if not letters:
        click.echo("(no dead letters)")
        return
    click.echo(f"{'ID':36}  {'AGE':>7}  {'RECV':>4}  {'ERROR':24}  {'ARTIST':26}  KEY")
    for letter in letters:
        click.echo(
            f"{letter.id:36}  {format_age(letter.age_seconds):>7}  {letter.receive_count:>4}  "
            f"{(letter.error_class or '?')[:24]:24}  {(letter.artist_id or '-')[:26]:26}  "
            f"{letter.key or '-'}"
        )
        if letter.error_message:
            click.echo(f"{'':36}  {letter.error_message[:120]}")


def format_age(seconds: int) -> str:
    """Return an age such as '45s', '12m', '3h' or '2d'."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


PEEK_HELP = "Read the queue itself, not the failure log (on SQS this receives each message)."


@dlq.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--peek", is_flag=True, help=PEEK_HELP)
@pass_cli
def dlq_list(cli: CliContext, as_json: bool, peek: bool) -> None:
    """List dead letters: id, age, receive count, error, artist, object key."""
    tools = cli.services.maintenance()
    letters = tools.dead_letters() if peek else tools.listed_dead_letters()
    if as_json:
        click.echo(json.dumps([letter.summary() for letter in letters], indent=2))
    else:
        print_letters(letters)


@dlq.command("show")
@click.argument("message_id")
@click.option("--peek", is_flag=True, help=PEEK_HELP)
@pass_cli
def dlq_show(cli: CliContext, message_id: str, peek: bool) -> None:
    """Show one dead letter with its error and body."""
    try:
        letter = cli.services.maintenance().dead_letter(message_id, peek=peek)
    except NotFound as error:
        raise click.ClickException(f"no dead letter {message_id}") from error
    try:
        body: Any = json.loads(letter.body)
    except ValueError:
        body = letter.body  # a malformed message is shown as it came
    click.echo(json.dumps(letter.summary() | {"body": body}, indent=2))


@dlq.command("replay")
@click.option("--id", "ids", multiple=True, help="A message id (repeat for several).")
@click.option("--error-class", help="Only messages that failed with this error class.")
@click.option("--artist", help="Only this artist's messages (id or slug).")
@click.option("--older-than", callback=parse_duration, help="Only messages older than this.")
@click.option("--dry-run", is_flag=True, help="Show what would move; move nothing.")
@click.option("--rate", type=click.FloatRange(0.1), help="Move at most N messages per second.")
@click.option("--limit", type=click.IntRange(1), help="Move at most N messages.")
@pass_cli
def dlq_replay(
    cli: CliContext,
    ids: tuple[str, ...],
    error_class: str | None,
    artist: str | None,
    older_than: int | None,
    dry_run: bool,
    rate: float | None,
    limit: int | None,
) -> None:
    """Move dead letters back to the queue (all of them: a bulk move task)."""
    services = cli.services
    chosen = DeadLetterFilter(ids, error_class, artist_id(services, artist), older_than)
    result = services.maintenance().replay(
        chosen,
        dry_run=dry_run,
        rate=rate,
        limit=limit,
        progress=lambda letter: click.echo(f"moved {letter.id}", err=True),
    )
    if dry_run:
        click.echo(f"would move {len(result.messages)} messages:")
        print_letters(list(result.messages))
    elif result.task is not None:
        click.echo(
            f"move task {result.task.handle}: {result.task.status}, "
            f"{result.task.moved} of {result.task.to_move} moved "
            f"(copper dlq status {result.task.handle})"
        )
    else:
        click.echo(f"moved {len(result.messages)} messages back to the queue")


def move_task(action: Callable[[str], MoveTask], handle: str) -> MoveTask:
    """Run a move-task action; an unknown handle is a clear error, not a traceback."""
    try:
        return action(handle)
    except NoSuchMoveTask as error:
        raise click.ClickException(f"no move task {handle!r}") from error


@dlq.command("status")
@click.argument("handle")
@pass_cli
def dlq_status(cli: CliContext, handle: str) -> None:
    """Show the progress of a bulk move task."""
    task = move_task(cli.services.queue.move_status, handle)
    click.echo(f"{task.handle}: {task.status}, {task.moved} of {task.to_move} moved")


@dlq.command("cancel")
@click.argument("handle")
@pass_cli
def dlq_cancel(cli: CliContext, handle: str) -> None:
    """Cancel a running bulk move task."""
    task = move_task(cli.services.queue.cancel_move, handle)
    click.echo(f"{task.handle}: {task.status}")


@dlq.command("purge")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_cli
def dlq_purge(cli: CliContext, yes: bool) -> None:
    """Delete every dead letter (asks first)."""
    services = cli.services
    count = services.queue.counts()["dead"]
    if not yes:
        click.confirm(f"Delete {count} dead letters for good?", abort=True)
    click.echo(f"purged {services.maintenance().purge()} dead letters")


# the search index, reprocessing, sweeping and the audit


@click.command("reindex")
@pass_cli
def reindex(cli: CliContext) -> None:
    """Rebuild the search index from the content store and swap it in without downtime."""
    from ingest.tasks import documents_to_write

    services = cli.services
    total = documents_to_write(services.indexer)
    with click.progressbar(length=total, label="Reindexing", file=sys.stderr) as bar:
        written = services.indexer.reindex(progress=lambda done: bar.update(done - bar.pos))
    click.echo(f"copper reindex: {written} documents indexed", err=True)


@click.command("reprocess")
@click.option("--artist", help="Only this artist's works (id or slug).")
@click.option("--status", type=click.Choice([s.value for s in Status]))
@click.option("--outdated", is_flag=True, help="Only works made by an older pipeline version.")
@click.option("--missing-renditions", is_flag=True, help="Only works without renditions.")
@click.option("--dry-run", is_flag=True, help="List the works; queue nothing.")
@pass_cli
def reprocess(
    cli: CliContext,
    artist: str | None,
    status: str | None,
    outdated: bool,
    missing_renditions: bool,
    dry_run: bool,
) -> None:
    """Queue works for rendering again."""
    services = cli.services
    chosen = ReprocessFilter(
        artist_id(services, artist),
        Status(status) if status else None,
        outdated,
        missing_renditions,
    )
    ids = services.maintenance().reprocess(chosen, dry_run=dry_run)
    verb = "would queue" if dry_run else "queued"
    click.echo(f"{verb} {len(ids)} works")
    for artwork_id in ids:
        click.echo(f"  {artwork_id}")


@click.command("sweep")
@pass_cli
def sweep(cli: CliContext) -> None:
    """Fail works whose messages were dead-lettered and works past their deadline."""
    report = cli.services.sweeper().sweep()
    click.echo(
        f"sweep: {len(report.dead_lettered)} dead-lettered, {len(report.expired)} overdue "
        "works marked failed"
    )


@click.command("audit")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--repair", is_flag=True, help="Converge what can be repaired; report the rest.")
@click.option(
    "--grace",
    type=click.FloatRange(0),
    default=60.0,
    show_default=True,
    help="Leave works changed in the last SECONDS alone (their events may be in flight).",
)
@pass_cli
def audit(cli: CliContext, as_json: bool, repair: bool, grace: float) -> None:
    """Compare originals, renditions, search and queues with the records (exit 1 if they differ)."""
    auditor = replace(cli.services.auditor(), grace=grace)
    report = auditor.audit(repair=repair)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        counts = ", ".join(
            f"{name.replace('_', ' ')} {count}" for name, count in report.counts.items()
        )
        click.echo(f"works: {counts}; in flight {report.pending}")
        for finding in report.repaired:
            click.echo(f"REPAIRED {finding.kind}: {subject(finding)} ({finding.detail})")
        for finding in report.unresolved:
            click.echo(f"{finding.kind.upper()}: {subject(finding)} ({finding.detail})")
        click.echo("audit: OK" if report.ok else f"audit: {len(report.unresolved)} problems")
    sys.exit(0 if report.ok else 1)


def subject(finding: Finding) -> str:
    """Return what a finding is about: its key, else its work."""
    return finding.key or finding.artwork_id or "-"
