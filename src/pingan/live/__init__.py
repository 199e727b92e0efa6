"""Live events: writes to incidents and units, in commit order, pushed to the live stream.

* :mod:`pingan.live.order` — on PostgreSQL a transaction that changed incidents or units
  takes the event order's advisory lock just before its commit, then stamps those rows'
  ``updated_at`` and queues a ``NOTIFY``. Stamps therefore grow in commit order across
  all processes, so a reader's ``(updated_at, id)`` cursor — the
  event id of :mod:`pingan.web.stream` — never skips a row committed later with an
  earlier stamp. SQLite's ``BEGIN IMMEDIATE`` already serialises its writers.
* :mod:`pingan.live.bell` — one listener task per web worker (``LISTEN`` on PostgreSQL,
  or Redis pub/sub when ``PINGAN_REDIS_URL`` is set) rings a bell that wakes the open
  streams; on SQLite the bell only rings on a timer (the embedded polling fallback).
"""
