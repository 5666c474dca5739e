"""Live monitoring: meters with device keys, signed readings over CSV and MQTT, roll-ups, alerts.

Modules
-------
readings
    The signed reading: its canonical payload, signing and batch verification (pure).
registry
    Meter descriptions (YAML/CSV) validated into :class:`~parkzero.monitoring.registry.MeterSpec`.
service
    The store side: register meters, ingest batches of readings idempotently into the readings
    table and the ledger, load readings, store alerts.
mqtt
    MQTT ingestion (topic ``parkzero/<park>/<meter>/reading``) with paho-mqtt.
rollup
    Readings → interval energy → 15-min/hour/day/month totals → activity data.
alerts
    Silent and anomalous meters, resets and gaps, sub-meter balance, emission budget.

This package imports nothing from the store at import time, so that
:mod:`parkzero.store.models` can import :mod:`parkzero.monitoring.tables`.
"""

__all__: list[str] = []
