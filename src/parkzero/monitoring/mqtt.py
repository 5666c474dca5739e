"""MQTT ingestion of signed readings with paho-mqtt (MQTT 3.1.1, QoS 1).

Gateways publish one signed reading per message (:mod:`parkzero.monitoring.readings`) on the
topic ``parkzero/<park>/<meter>/reading``; the meter in the topic must be the meter in the
signed payload. :class:`MqttIngestor` subscribes to ``parkzero/<park>/+/reading`` and stores the
messages batch by batch (:func:`parkzero.monitoring.service.check_batch` and
:func:`~parkzero.monitoring.service.store_batch`).

Delivery is at least once end to end: the ingestor uses a persistent session (fixed client id,
``clean_session=False``) and acknowledges a message only after the batch that holds it is
committed, so a crash before the commit makes the broker deliver it again, and the database's
idempotency on (meter, timestamp) stores it once.

Credentials, when the broker needs them, come from ``PARKZERO_MQTT_USERNAME`` and
``PARKZERO_MQTT_PASSWORD``; there are no defaults.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import paho.mqtt.client as mqtt
from sqlalchemy import Engine

from parkzero.errors import ConfigError, InputError
from parkzero.ledger.note import Signer
from parkzero.monitoring.service import (
    IngestResult,
    check_batch,
    meter_keys,
    store_batch,
)
from parkzero.store.session import make_sessionmaker

__all__ = ["MqttIngestor", "parse_broker", "parse_topic", "publish_readings", "topic_for"]

TOPIC = "parkzero/{park}/{meter}/reading"


def topic_for(park: str, meter: str) -> str:
    """The topic a meter's readings are published on.

    Examples
    --------
    >>> topic_for("wuhan-demo", "E-101")
    'parkzero/wuhan-demo/E-101/reading'
    """
    return TOPIC.format(park=park, meter=meter)


def parse_topic(topic: str) -> tuple[str, str] | None:
    """``(park, meter)`` of a reading topic, or None when it is not one.

    Examples
    --------
    >>> parse_topic("parkzero/wuhan-demo/E-101/reading")
    ('wuhan-demo', 'E-101')
    >>> parse_topic("parkzero/wuhan-demo/E-101/status") is None
    True
    """
    parts = topic.split("/")
    if len(parts) != 4 or parts[0] != "parkzero" or parts[3] != "reading":
        return None
    return parts[1], parts[2]


def parse_broker(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (port default 1883) → ``(host, port)``; raise ConfigError.

    Examples
    --------
    >>> parse_broker("127.0.0.1:1883"), parse_broker("broker.local")
    (('127.0.0.1', 1883), ('broker.local', 1883))
    """
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, "1883"
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"broker {text!r} is not HOST:PORT", column="broker")
    return host, int(port)


def _credentials(client: mqtt.Client) -> None:
    user = os.environ.get("PARKZERO_MQTT_USERNAME")
    if user:
        client.username_pw_set(user, os.environ.get("PARKZERO_MQTT_PASSWORD"))


@dataclass
class _Message:
    topic: str
    payload: bytes
    mid: int
    qos: int


@dataclass
class MqttIngestor:
    """Subscribe to a park's reading topics and store what arrives, batch by batch.

    Parameters
    ----------
    engine : Engine
        The store.
    park_id : str
        The park; only its topics are subscribed.
    log : str
        The ledger (origin) readings are logged in.
    host, port : str, int
        The broker.
    signer : Signer, optional
        The log's key; a checkpoint is signed after every batch.
    batch_size : int
        Messages per transaction at most [-].
    flush_s : float
        Longest time a message waits before its batch is written [s].
    client_id : str, optional
        MQTT client id of the persistent session; default ``parkzero-ingest-<park>``.
    """

    engine: Engine
    park_id: str
    log: str
    host: str = "127.0.0.1"
    port: int = 1883
    signer: Signer | None = None
    batch_size: int = 1000
    flush_s: float = 0.5
    client_id: str | None = None
    qos: int = 1
    result: IngestResult = field(default_factory=IngestResult)

    def __post_init__(self) -> None:
        self._queue: queue.Queue[_Message] = queue.Queue()
        self._subscribed = threading.Event()
        self._error: str | None = None

    @property
    def topic_filter(self) -> str:
        return topic_for(self.park_id, "+")

    def _client(self) -> mqtt.Client:
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id or f"parkzero-ingest-{self.park_id}",
            clean_session=False,
            manual_ack=True,
        )
        _credentials(client)

        def on_connect(c: mqtt.Client, _u: object, _f: object, reason: object, _p: object) -> None:
            if getattr(reason, "is_failure", False):
                self._error = f"the broker refused the connection: {reason}"
                self._subscribed.set()
                return
            c.subscribe(self.topic_filter, qos=self.qos)

        def on_subscribe(c: mqtt.Client, _u: object, _mid: int, codes: list, _p: object) -> None:
            if any(getattr(code, "is_failure", False) for code in codes):
                self._error = f"the broker refused the subscription to {self.topic_filter}"
            self._subscribed.set()

        def on_message(c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
            self._queue.put(_Message(msg.topic, bytes(msg.payload), msg.mid, msg.qos))

        client.on_connect = on_connect
        client.on_subscribe = on_subscribe
        client.on_message = on_message
        return client

    def run(
        self,
        *,
        max_messages: int | None = None,
        idle_timeout: float | None = None,
        duration: float | None = None,
        ready: Callable[[], None] | None = None,
        on_batch: Callable[[IngestResult], None] | None = None,
        connect_timeout: float = 10.0,
    ) -> IngestResult:
        """Ingest until `max_messages` were received, nothing arrived for `idle_timeout` seconds,
        or `duration` seconds passed (whichever first; with none of them, until interrupted).

        `ready` is called once the subscription is active.
        """
        maker = make_sessionmaker(self.engine)
        with maker() as session:
            keys = meter_keys(session, self.park_id)
        if not keys:
            raise InputError(f'park "{self.park_id}" has no registered meters', column="park")
        client = self._client()
        try:
            client.connect(self.host, self.port, keepalive=30)
        except OSError as exc:
            raise ConfigError(
                f"cannot reach the MQTT broker {self.host}:{self.port}: {exc}", column="broker"
            ) from exc
        client.loop_start()
        try:
            if not self._subscribed.wait(connect_timeout):
                raise ConfigError(
                    f"no answer from the MQTT broker {self.host}:{self.port}", column="broker"
                )
            if self._error:
                raise ConfigError(self._error, column="broker")
            if ready is not None:
                ready()
            started = last = time.monotonic()
            pending: list[_Message] = []
            batch_started = started
            while True:
                now = time.monotonic()
                if duration is not None and now - started >= duration:
                    break
                if max_messages is not None and self.result.received + len(pending) >= max_messages:
                    break
                if idle_timeout is not None and not pending and now - last >= idle_timeout:
                    break
                try:
                    msg = self._queue.get(timeout=0.05)
                except queue.Empty:
                    msg = None
                if msg is not None:
                    if not pending:
                        batch_started = time.monotonic()
                    pending.append(msg)
                    last = time.monotonic()
                if pending and (
                    len(pending) >= self.batch_size
                    or time.monotonic() - batch_started >= self.flush_s
                ):
                    self._flush(client, maker, keys, pending, on_batch)
                    pending = []
            if pending:
                self._flush(client, maker, keys, pending, on_batch)
        finally:
            client.loop_stop()
            client.disconnect()
        return self.result

    def _flush(
        self,
        client: mqtt.Client,
        maker: Callable[[], object],
        keys: dict[str, bytes],
        messages: list[_Message],
        on_batch: Callable[[IngestResult], None] | None,
    ) -> None:
        items: list[bytes] = []
        topic_meters: list[str | None] = []
        for m in messages:
            parsed = parse_topic(m.topic)
            topic_meters.append(parsed[1] if parsed else None)
            items.append(m.payload)
        checked = check_batch(self.park_id, items, keys, topic_meters=topic_meters)
        with make_sessionmaker(self.engine)() as session, session.begin():
            result = store_batch(
                session, self.park_id, checked, log=self.log, source="mqtt", signer=self.signer
            )
        for m in messages:  # only now: a crash before the commit gets them delivered again
            if m.qos > 0:
                client.ack(m.mid, m.qos)
        self.result.merge(result)
        if on_batch is not None:
            on_batch(result)


def publish_readings(
    host: str,
    port: int,
    messages: Iterable[tuple[str, bytes | str]],
    *,
    qos: int = 1,
    client_id: str | None = None,
    timeout: float = 30.0,
) -> int:
    """Publish ``(topic, payload)`` messages and wait until the broker has them all (a gateway).

    Returns the number published.
    """
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id or f"parkzero-gateway-{uuid.uuid4().hex[:12]}",
    )
    _credentials(client)
    try:
        client.connect(host, port, keepalive=30)
    except OSError as exc:
        raise ConfigError(
            f"cannot reach the MQTT broker {host}:{port}: {exc}", column="broker"
        ) from exc
    client.loop_start()
    try:
        infos = [client.publish(topic, payload, qos=qos) for topic, payload in messages]
        deadline = time.monotonic() + timeout
        for info in infos:
            info.wait_for_publish(max(0.01, deadline - time.monotonic()))
            if not info.is_published():
                raise ConfigError(
                    f"the broker {host}:{port} did not take every message in {timeout} s"
                )
        return len(infos)
    finally:
        client.loop_stop()
        client.disconnect()
