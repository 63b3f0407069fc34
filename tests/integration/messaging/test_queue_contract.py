"""One contract for every queue adapter: SQS semantics on SQLite and on SQS (moto)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from botocore.stub import Stubber

from kernel.errors import Missing
from messaging.queue import Failure, FailureLog, MessageQueue, NoSuchMoveTask, QueueUnavailable
from messaging.sqlite import SqliteQueue
from messaging.sqs import SqsQueue
from messaging.tasks import Task, TaskNotFound, TaskStore

from .conftest import MAX_RECEIVES, VISIBILITY


def receive_all(queue: MessageQueue) -> list:
    """Receive every visible message (several batches)."""
    received = []
    while batch := queue.receive(10):
        received += batch
    return received


def test_messages_come_back_in_send_order_with_their_ids_and_bodies(queue: MessageQueue) -> None:
    ids = [queue.send(f"body {n}") for n in range(3)]
    received = receive_all(queue)
    assert [m.id for m in received] == ids
    assert [m.body for m in received] == ["body 0", "body 1", "body 2"]
    assert all(m.receive_count == 1 for m in received)


def test_a_received_message_is_hidden_until_the_visibility_timeout_passes(
    queue: MessageQueue,
) -> None:
    # GIVEN a received message that was never deleted (its worker died)
    message_id = queue.send("work")
    assert [m.id for m in queue.receive()] == [message_id]
    # THEN nobody else gets it while it is in flight
    assert queue.receive() == []
    assert queue.counts() == {"visible": 0, "in_flight": 1, "dead": 0}
    # WHEN the visibility timeout passes THEN it reappears, its receive count grown
    time.sleep(VISIBILITY + 0.3)
    again = queue.receive()
    assert [(m.id, m.receive_count) for m in again] == [(message_id, 2)]


def test_a_deleted_message_is_gone_and_a_released_one_comes_straight_back(
    queue: MessageQueue,
) -> None:
    queue.send("work")
    first = queue.receive()[0]
    queue.release(first.receipt)
    second = queue.receive()[0]
    assert (second.id, second.receive_count) == (first.id, 2)
    queue.delete(second.receipt)
    assert queue.receive() == []
    assert queue.counts() == {"visible": 0, "in_flight": 0, "dead": 0}


def test_a_message_received_max_receive_count_times_moves_to_the_dead_letters(
    queue: MessageQueue,
) -> None:
    # GIVEN a message that fails every time it is received
    message_id = queue.send("poison")
    for _ in range(MAX_RECEIVES):
        message = queue.receive()[0]
        queue.release(message.receipt)
    # WHEN it is received once more THEN it is in the dead letters instead, body intact
    assert queue.receive() == []
    letters = queue.dead_letters()
    assert [(letter.id, letter.body) for letter in letters] == [(message_id, "poison")]
    assert queue.counts()["dead"] == 1
    # AND reading the dead letters leaves them there
    assert [letter.id for letter in queue.dead_letters()] == [message_id]


def poison(queue: MessageQueue, body: str) -> str:
    """Send a message and receive it until it is dead-lettered; return its id."""
    message_id = queue.send(body)
    for _ in range(MAX_RECEIVES):
        message = queue.receive()[0]
        queue.release(message.receipt)
    assert queue.receive() == []
    return message_id


def test_redriving_chosen_dead_letters_moves_only_those_back(queue: MessageQueue) -> None:
    first = poison(queue, "first")
    second = poison(queue, "second")
    moved = queue.redrive([second, "unknown-id"])
    assert moved == [second]
    assert [letter.id for letter in queue.dead_letters()] == [first]
    back = queue.receive()
    assert [m.body for m in back] == ["second"]
    assert back[0].receive_count == 1


def test_purging_the_dead_letters_empties_them(queue: MessageQueue) -> None:
    poison(queue, "first")
    poison(queue, "second")
    assert queue.purge_dead_letters() == 2
    assert queue.dead_letters() == []


def test_the_local_redrive_of_everything_completes_at_once(sqlite_queue: SqliteQueue) -> None:
    poison(sqlite_queue, "first")
    poison(sqlite_queue, "second")
    task = sqlite_queue.redrive_all()
    assert (task.status, task.moved, task.to_move) == ("COMPLETED", 2, 2)
    assert sqlite_queue.move_status(task.handle) == task
    assert sorted(m.body for m in sqlite_queue.receive()) == ["first", "second"]


def test_the_sqs_redrive_of_everything_starts_a_message_move_task(sqs_queue: SqsQueue) -> None:
    # moto does not implement message move tasks: check the request SQS would get
    client = sqs_queue._client
    dlq_arn = "arn:aws:sqs:eu-west-1:123456789012:copper-dlq"
    main_arn = "arn:aws:sqs:eu-west-1:123456789012:copper-uploads"
    with Stubber(client) as stub:
        stub.add_response("get_queue_attributes", {"Attributes": {"QueueArn": dlq_arn}})
        stub.add_response("get_queue_attributes", {"Attributes": {"QueueArn": main_arn}})
        stub.add_response(
            "start_message_move_task",
            {"TaskHandle": "task-1"},
            {"SourceArn": dlq_arn, "DestinationArn": main_arn},
        )
        stub.add_response("get_queue_attributes", {"Attributes": {"QueueArn": dlq_arn}})
        stub.add_response(
            "list_message_move_tasks",
            {
                "Results": [
                    {
                        "TaskHandle": "task-1",
                        "Status": "RUNNING",
                        "ApproximateNumberOfMessagesMoved": 3,
                        "ApproximateNumberOfMessagesToMove": 10,
                    }
                ]
            },
            {"SourceArn": dlq_arn, "MaxResults": 10},
        )
        task = sqs_queue.redrive_all()
    assert (task.handle, task.status, task.moved, task.to_move) == ("task-1", "RUNNING", 3, 10)


@contextmanager
def no_move_task(queue: MessageQueue) -> Iterator[None]:
    """Run with no move task on the queue (moto has none: stub the answers SQS gives)."""
    if not isinstance(queue, SqsQueue):
        yield
        return
    dlq_arn = "arn:aws:sqs:eu-west-1:123456789012:copper-dlq"
    with Stubber(queue._client) as stub:
        stub.add_response("get_queue_attributes", {"Attributes": {"QueueArn": dlq_arn}})
        stub.add_response("list_message_move_tasks", {"Results": []})
        stub.add_client_error(
            "cancel_message_move_task", "ResourceNotFoundException", http_status_code=400
        )
        yield


def test_a_move_task_the_queue_does_not_know_is_no_such_move_task(queue: MessageQueue) -> None:
    with no_move_task(queue):
        with pytest.raises(NoSuchMoveTask) as unknown:
            queue.move_status("no-such-task")
        with pytest.raises(NoSuchMoveTask):
            queue.cancel_move("no-such-task")
    assert isinstance(unknown.value, Missing)


def test_sqs_throttling_is_queue_unavailable(sqs_queue: SqsQueue) -> None:
    with Stubber(sqs_queue._client) as stub:
        stub.add_client_error("send_message", "ThrottlingException", http_status_code=400)
        with pytest.raises(QueueUnavailable):
            sqs_queue.send("work")


def test_the_failure_log_keeps_the_last_error_and_counts_attempts(failure_log: FailureLog) -> None:
    failure_log.record(Failure("m-1", "StoreUnavailable", "table throttled", 100.0))
    failure_log.record(Failure("m-1", "SearchUnavailable", "index down", 160.5))
    failure_log.record(Failure("m-2", "MalformedMessage", "not JSON", 170.0))
    found = failure_log.get(["m-1", "m-2", "m-3"])
    assert found["m-1"] == Failure("m-1", "SearchUnavailable", "index down", 160.5, attempts=2)
    assert found["m-2"].error_class == "MalformedMessage"
    assert "m-3" not in found
    failure_log.forget(["m-1"])
    assert set(failure_log.get(["m-1", "m-2"])) == {"m-2"}


def test_local_sequencers_increase_as_s3_sequencers_do(sqlite_queue: SqliteQueue) -> None:
    from content.sequencer import is_newer

    first, second = sqlite_queue.next_sequencer(), sqlite_queue.next_sequencer()
    assert is_newer(second, first) and not is_newer(first, second)


def test_the_task_store_keeps_the_latest_state_of_each_task(task_store: TaskStore) -> None:
    task = Task("t-1", "reindex", "running", started_at=10.0)
    task_store.put(task)
    task_store.put(replace(task, done=500, total=1000))
    assert task_store.get("t-1") == Task("t-1", "reindex", "running", 500, 1000, 10.0)
    with pytest.raises(TaskNotFound):
        task_store.get("t-2")


def test_the_oldest_waiting_age_counts_only_visible_messages(queue: MessageQueue) -> None:
    # GIVEN an empty queue THEN nothing waits
    assert queue.oldest_waiting_age() is None
    # WHEN a message waits THEN its age is known (SQLite) or unknown (SQS: CloudWatch only)
    queue.send("work")
    age = queue.oldest_waiting_age()
    assert age is None or 0 <= age < 60
    # AND once received, it no longer waits
    queue.receive()
    assert queue.oldest_waiting_age() is None
