"""`copper` commands of the event flow: worker, dev, seed, dead letters, reprocess, audit."""

from __future__ import annotations

import json
import re
import secrets
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from content.model import Role, Status
from content.repository import NotFound
from ingest.maintenance import DeadLetterFilter, DeadLetterView, ReprocessFilter
from messaging.queue import MoveTask

DURATION = re.compile(r"^(\d+)([smhd]?)$")
SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def services() -> Any:
    """Build the services from the environment (a usage error if misconfigured)."""
    from copper.cli import services_or_usage_error

    return services_or_usage_error()


def parse_duration(_ctx: Any, _param: Any, value: str | None) -> int | None:
    """Parse '90', '15m', '2h' or '3d' into seconds."""
    if value is None:
        return None
    match = DURATION.match(value.strip())
    if not match:
        raise click.BadParameter("use seconds, or a number with s, m, h or d (e.g. 2h)")
    return int(match[1]) * SECONDS[match[2]]


def artist_id(found: Any, reference: str | None) -> str | None:
    """Return the id of an artist given by id or slug."""
    if reference is None:
        return None
    try:
        return found.repository.find_artist_by_slug(reference).id
    except NotFound:
        try:
            return found.repository.get_artist(reference).id
        except NotFound as error:
            raise click.BadParameter(f"no artist {reference!r}") from error


# worker


@click.command("worker")
@click.option("--once", is_flag=True, help="Handle what is queued now, then exit.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10),
    default=1,
    show_default=True,
    help="Messages per handler call (1 spreads work evenly over several workers).",
)
@click.option(
    "--parent-pid",
    type=click.IntRange(1),
    default=None,
    help="Exit when this process is no longer the parent (copper dev passes its own pid).",
)
def worker(once: bool, batch_size: int, parent_pid: int | None) -> None:
    """Feed the local queue to the processing handler (Lambda's SQS event source, locally)."""
    from copper.worker import ChangeFeed, Worker
    from handlers import index_changes
    from handlers.process_uploads import handler
    from messaging.heartbeat import local_worker_name

    found = services()
    if found.settings.backend != "local" or found.changes is None:
        raise click.UsageError("on AWS, Lambda's SQS event source invokes the handler")
    name = local_worker_name()

    def beat() -> None:
        """Record that this worker is polling (the schedule paces it)."""
        found.heartbeats.beat(name)

    def sweep() -> None:
        """Fail dead-lettered and overdue works (every worker sweeps; sweeping is idempotent)."""
        found.sweeper().sweep()

    runner = Worker(
        found.queue,
        handler,
        batch_size=batch_size,
        changes=ChangeFeed(found.changes, index_changes.handler),
        periodic=(
            (found.settings.heartbeat_interval, beat),
            (found.settings.sweep_interval, sweep),
        ),
        parent_pid=parent_pid,
    )
    if once:
        click.echo(f"copper worker: handled {runner.drain()} messages", err=True)
        return
    click.echo(f"copper worker: polling {found.settings.data_dir}/queue.db", err=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # finish the batch in hand, then exit
        signal.signal(signum, lambda _signum, _frame: stop.set())
    runner.run(stop)
    click.echo("copper worker: stopped", err=True)


# seed and admin accounts


@click.command("seed")
@click.option("--api", "api_url", default=None, help="API base URL (default: the public one).")
@click.option("--per-artist", type=click.IntRange(1, 100), default=4, show_default=True)
def seed(api_url: str | None, per_artist: int) -> None:
    """Load demo artists and generated works through the real upload path (API must run).

    Running it again completes an interrupted seed; nothing that exists is made twice.
    """
    from copper.seed import SeedError
    from copper.seed import seed as run_seed

    found = services()
    try:
        report = run_seed(
            api_url or found.settings.public_api_url,
            Path(found.settings.data_dir),
            artworks_per_artist=per_artist,
            progress=lambda line: click.echo(f"copper seed: {line}", err=True),
        )
    except SeedError as error:
        raise click.ClickException(f"seeding stopped: {error}") from error
    admin = ensure_admin(found)
    click.echo(
        f"copper seed: {report.summary()}; accounts (with passwords) in "
        f"{found.settings.data_dir}/seed-accounts.json; admin {admin}",
        err=True,
    )


def ensure_admin(found: Any) -> str:
    """Create the demo admin once; its generated password is recorded before it is registered."""
    from copper.seed_state import find_account, write_accounts

    email = "admin@demo.copper.local"
    data_dir = Path(found.settings.data_dir)
    try:
        found.repository.find_artist_by_email(email)
        return email
    except NotFound:
        account = find_account(data_dir, email=email)
        if account is None:
            password = secrets.token_urlsafe(12)
            account = {"email": email, "password": password, "name": "Gallery Admin"}
            write_accounts(data_dir, [account])
        found.accounts.register(email, account["password"], account["name"], role=Role.ADMIN)
        return email


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Gallery Admin", show_default=True)
@click.password_option(help="Prompted for when not given.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account (admins replay dead letters and reprocess works)."""
    from content.accounts import AccountError

    try:
        services().accounts.register(email, password, name, role=Role.ADMIN)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"copper create-admin: {email} is an administrator", err=True)


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


@dlq.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def dlq_list(as_json: bool) -> None:
    """List dead letters: id, age, receive count, error, artist, object key."""
    letters = services().maintenance().dead_letters()
    if as_json:
        click.echo(json.dumps([letter.summary() for letter in letters], indent=2))
    else:
        print_letters(letters)


@dlq.command("show")
@click.argument("message_id")
def dlq_show(message_id: str) -> None:
    """Show one dead letter with its error and body."""
    try:
        letter = services().maintenance().dead_letter(message_id)
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
def dlq_replay(
    ids: tuple[str, ...],
    error_class: str | None,
    artist: str | None,
    older_than: int | None,
    dry_run: bool,
    rate: float | None,
    limit: int | None,
) -> None:
    """Move dead letters back to the queue (all of them: a bulk move task)."""
    found = services()
    chosen = DeadLetterFilter(ids, error_class, artist_id(found, artist), older_than)
    result = found.maintenance().replay(
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
    except KeyError as error:
        raise click.ClickException(f"no move task {handle!r}") from error


@dlq.command("status")
@click.argument("handle")
def dlq_status(handle: str) -> None:
    """Show the progress of a bulk move task."""
    task = move_task(services().queue.move_status, handle)
    click.echo(f"{task.handle}: {task.status}, {task.moved} of {task.to_move} moved")


@dlq.command("cancel")
@click.argument("handle")
def dlq_cancel(handle: str) -> None:
    """Cancel a running bulk move task."""
    task = move_task(services().queue.cancel_move, handle)
    click.echo(f"{task.handle}: {task.status}")


@dlq.command("purge")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def dlq_purge(yes: bool) -> None:
    """Delete every dead letter (asks first)."""
    found = services()
    count = found.queue.counts()["dead"]
    if not yes:
        click.confirm(f"Delete {count} dead letters for good?", abort=True)
    click.echo(f"purged {found.maintenance().purge()} dead letters")


# reprocess and audit


@click.command("reprocess")
@click.option("--artist", help="Only this artist's works (id or slug).")
@click.option("--status", type=click.Choice([s.value for s in Status]))
@click.option("--outdated", is_flag=True, help="Only works made by an older pipeline version.")
@click.option("--missing-renditions", is_flag=True, help="Only works without renditions.")
@click.option("--dry-run", is_flag=True, help="List the works; queue nothing.")
def reprocess(
    artist: str | None,
    status: str | None,
    outdated: bool,
    missing_renditions: bool,
    dry_run: bool,
) -> None:
    """Queue works for rendering again."""
    found = services()
    chosen = ReprocessFilter(
        artist_id(found, artist), Status(status) if status else None, outdated, missing_renditions
    )
    ids = found.maintenance().reprocess(chosen, dry_run=dry_run)
    verb = "would queue" if dry_run else "queued"
    click.echo(f"{verb} {len(ids)} works")
    for artwork_id in ids:
        click.echo(f"  {artwork_id}")


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
def audit(as_json: bool, repair: bool, grace: float) -> None:
    """Compare originals, renditions, search and queues with the records (exit 1 if they differ)."""
    auditor = replace(services().auditor(), grace=grace)
    report = auditor.audit(repair=repair)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        counts = ", ".join(
            f"{name.replace('_', ' ')} {count}" for name, count in report.counts.items()
        )
        click.echo(f"works: {counts}; in flight {report.pending}")
        for finding in report.repaired:
            click.echo(f"REPAIRED {finding.kind}: {_subject(finding)} ({finding.detail})")
        for finding in report.unresolved:
            click.echo(f"{finding.kind.upper()}: {_subject(finding)} ({finding.detail})")
        click.echo("audit: OK" if report.ok else f"audit: {len(report.unresolved)} problems")
    sys.exit(0 if report.ok else 1)


def _subject(finding: Any) -> str:
    """Return what a finding is about: its key, else its work."""
    return finding.key or finding.artwork_id or "-"


@click.command("sweep")
def sweep() -> None:
    """Fail works whose messages were dead-lettered and works past their deadline."""
    report = services().sweeper().sweep()
    click.echo(
        f"sweep: {len(report.dead_lettered)} dead-lettered, {len(report.expired)} overdue "
        "works marked failed"
    )


COMMANDS = (worker, seed, create_admin, dlq, reprocess, audit, sweep)


def wait_for_api(url: str, timeout: float = 30) -> None:
    """Wait until the API answers /healthz."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise click.ClickException(f"the API at {url} did not start")
