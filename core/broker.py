"""kombu's Redis transport, kept able to reach its broker after a lost connection.

When the worker loses the broker while a task runs (late acknowledgement: its
message is still unacknowledged) and the consumer is waiting on the broker for
the next one, kombu 5.7 closes the connection in two steps. The first close of
the channel fails on the lost socket and leaves it open; kombu then drops the
transport's reference to the connection settings (``transport.client = None``);
the second close of the channel wants those settings, to give the message back
or acknowledge it, and raises ``AttributeError``, which no caller expects. The
worker logged "Unrecoverable error" and shut down, so nothing was consumed until
something restarted it (``tests/integration/test_broker_lost_mid_task.py``).

This transport keeps the settings. The rest is kombu's own behaviour: with the
broker still down, the message stays unacknowledged and the broker gives it
back after the visibility timeout; with the broker back, it is given back at
once. Every task is safe to run twice, which the integration tests pin.

Used for ``redis://`` and ``rediss://`` brokers (``CELERY_BROKER_TRANSPORT`` in
config/settings.py).
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis


class Transport(redis.Transport):
    """The Redis transport whose ``client`` (the connection's settings) is never unset once given."""

    _client: Any = None

    @property
    def client(self) -> Any:
        return self._client

    @client.setter
    def client(self, value: Any) -> None:
        if value is not None:
            self._client = value
