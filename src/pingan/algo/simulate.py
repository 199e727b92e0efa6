"""Discrete-event simulation of rapid response: replay incidents against units at posts.

The model
---------
Units wait at their posts. Incidents arrive at given times at given demand nodes.

1. When an incident is received, it takes the **available** unit with the least road
   travel time from its post (ties: the lower unit index). A unit is available only
   while it stands at its post.
2. If no available unit can reach it, the incident joins a queue. Whenever a unit gets
   back to its post, it takes the first queued incident it can reach, in queue order:
   most urgent priority first (lower number), then earliest received.
3. The unit drives to the scene (``turnout_s`` + travel time), stays for the incident's
   service time, then drives back to its post. It is busy from dispatch until it is
   back: the return trip counts as busy.
4. Response time = arrival on scene − received = wait in queue + turnout + travel.

Events at the same instant are ordered: units getting back first, then incidents in
order of time received (ties by input order). Service times are drawn once, up front,
in that order, from ``np.random.default_rng(seed)``, so the same seed gives the same
result.

Travel times are plain arrays (or callables) so this module needs no graph: a matrix
``travel_time_s[post, node]`` of seconds from each post to each demand node, or a
callable ``node -> array over posts`` (for example a reverse one-to-all search to the
node, indexed by the posts' graph nodes). Unreachable pairs are ``inf``.

Examples
--------
Two units at posts 0 and 1, three incidents, a fixed 600 s on scene:

>>> import numpy as np
>>> t = np.array([[60.0, 180.0], [90.0, 30.0]])  # post x node
>>> r = simulate_response([0.0, 100.0, 200.0], [0, 1, 0], [0, 1], t, service_time_s=600.0)
>>> r.response_s.tolist()
[60.0, 30.0, 580.0]
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pingan.algo.tiers import DEFAULT_TIERS_S, ResponseFigures, response_figures
from pingan.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
TimesToNode = Callable[[int], npt.ArrayLike]
"""``node -> seconds between every post and that node`` (one value per post)."""


@dataclass(frozen=True)
class LognormalServiceTime:
    """Service times (on scene) drawn from a lognormal distribution.

    Parameters
    ----------
    median_s
        Median time on scene in seconds (``exp(mu)``).
    sigma
        Standard deviation of the log of the time; 0.5 puts the 90th percentile at
        about 1.9 × the median.
    """

    median_s: float
    sigma: float = 0.5

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        """Draw ``n`` service times in seconds."""
        if not (self.median_s > 0 and math.isfinite(self.median_s)):
            raise InvalidInput("median_s must be a positive number of seconds", field="median_s")
        if not self.sigma >= 0:
            raise InvalidInput("sigma must be >= 0", field="sigma")
        return rng.lognormal(math.log(self.median_s), self.sigma, size=n)


@dataclass(frozen=True)
class EmpiricalServiceTime:
    """Service times drawn with replacement from times observed in history.

    Parameters
    ----------
    sample_s
        Observed times on scene in seconds (at least one, all ``>= 0``).
    """

    sample_s: tuple[float, ...]

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        """Draw ``n`` service times in seconds."""
        sample = np.asarray(self.sample_s, dtype=np.float64)
        if sample.size == 0 or np.any(~np.isfinite(sample)) or np.any(sample < 0):
            raise InvalidInput("the service-time sample needs finite times >= 0", field="sample_s")
        return rng.choice(sample, size=n, replace=True)


ServiceTime = float | npt.NDArray[np.float64] | LognormalServiceTime | EmpiricalServiceTime
"""A fixed time in seconds, an array with one time per incident (input order), or a
distribution to draw from."""


@dataclass(frozen=True)
class SimulationResult:
    """What happened to every incident and unit in a simulated period.

    Per-incident arrays are in the input order of the incidents; an incident no unit
    can ever reach is *unserved*: its unit is -1 and its times are ``nan``.

    Attributes
    ----------
    received_s, dispatched_s, arrived_s, cleared_s, back_at_post_s
        Per incident, the clock in seconds when it was received, when a unit was
        dispatched, arrived, left the scene, and was back at its post.
    unit
        Per incident, the index of the unit that served it, or -1.
    wait_s, travel_s, service_s, response_s
        Per incident, seconds queued, turnout + travel to the scene, on scene, and
        arrival − received.
    figures
        Response-time figures (nearest-rank median and 90th percentile, share within
        each tier) over the served incidents; unserved ones count as ``missing``.
    busy_s
        Per unit, seconds busy (dispatch to back at post) within the period.
    utilisation
        Per unit, ``busy_s / (period end − period start)``.
    incidents_per_unit
        Per unit, how many incidents it served.
    period_s
        ``(start, end)`` of the period utilisation is measured over.
    queued
        Number of incidents that waited for a unit (``wait_s > 0``).
    unserved
        Number of incidents no unit could reach.
    seed
        The seed the service times were drawn with.
    """

    received_s: FloatArray
    dispatched_s: FloatArray
    arrived_s: FloatArray
    cleared_s: FloatArray
    back_at_post_s: FloatArray
    unit: IntArray
    wait_s: FloatArray
    travel_s: FloatArray
    service_s: FloatArray
    response_s: FloatArray
    figures: ResponseFigures
    busy_s: FloatArray
    utilisation: FloatArray
    incidents_per_unit: IntArray
    period_s: tuple[float, float]
    queued: int
    unserved: int
    seed: int | None


class _Times:
    """Travel times to/from a node over the units, from a matrix or a cached callable."""

    def __init__(
        self, source: FloatArray | TimesToNode, unit_post: IntArray, name: str, n_nodes: int
    ) -> None:
        self._post = unit_post
        self._name = name
        self._cache: dict[int, FloatArray] = {}
        self._fn: TimesToNode | None = None
        self._by_node: FloatArray | None = None
        if callable(source):
            self._fn = source
            return
        matrix = np.asarray(source, dtype=np.float64)
        if matrix.ndim != 2:
            raise InvalidInput(f"{name} must be a post x node matrix", field=name)
        if unit_post.size and (unit_post.max() >= matrix.shape[0]):
            raise InvalidInput(f"a unit's post is not a row of {name}", field="unit_post")
        if n_nodes > matrix.shape[1]:
            raise InvalidInput(f"an incident's node is not a column of {name}", field=name)
        if np.any(matrix < 0) or np.any(np.isnan(matrix)):
            raise InvalidInput(f"{name} must hold times >= 0 (inf if unreachable)", field=name)
        # One contiguous row of unit times per node: the per-incident read is a row.
        self._by_node = np.ascontiguousarray(matrix[unit_post, :].T)

    def of(self, node: int) -> FloatArray:
        if self._by_node is not None:
            row: FloatArray = self._by_node[node]
            return row
        cached = self._cache.get(node)
        if cached is not None:
            return cached
        assert self._fn is not None
        times = np.asarray(self._fn(node), dtype=np.float64)
        if times.ndim != 1 or (self._post.size and self._post.max() >= times.size):
            raise InvalidInput(
                f"{self._name}({node}) must give one time per post", field=self._name
            )
        row = np.where(np.isnan(times), np.inf, times)[self._post]
        if np.any(row < 0):
            raise InvalidInput(f"{self._name} must give times >= 0", field=self._name)
        self._cache[node] = row
        return row


def _service_times(
    service_time_s: ServiceTime, rng: np.random.Generator, order: IntArray
) -> FloatArray:
    """Per incident (input order) service times; random draws made in event order."""
    n = order.size
    if isinstance(service_time_s, LognormalServiceTime | EmpiricalServiceTime):
        drawn = service_time_s.draw(rng, n)
        out = np.empty(n, dtype=np.float64)
        out[order] = drawn
        return out
    if isinstance(service_time_s, np.ndarray):
        given = np.array(service_time_s, dtype=np.float64)
        if given.shape != (n,):
            raise InvalidInput("one service time per incident is needed", field="service_time_s")
    else:
        given = np.full(n, float(service_time_s))
    if np.any(~np.isfinite(given)) or np.any(given < 0):
        raise InvalidInput("service times must be finite and >= 0", field="service_time_s")
    return given


def simulate_response(
    incident_time_s: npt.ArrayLike,
    incident_node: npt.ArrayLike,
    unit_post: npt.ArrayLike,
    travel_time_s: FloatArray | TimesToNode,
    service_time_s: ServiceTime,
    *,
    return_time_s: FloatArray | TimesToNode | None = None,
    incident_priority: npt.ArrayLike | None = None,
    turnout_s: float = 0.0,
    tiers_s: Sequence[float] = DEFAULT_TIERS_S,
    period_s: tuple[float, float] | None = None,
    seed: int | None = None,
) -> SimulationResult:
    """Replay incidents against units at posts; see the module docstring for the model.

    Parameters
    ----------
    incident_time_s
        Per incident, when it was received, in seconds on any common clock.
    incident_node
        Per incident, its demand node: a column of ``travel_time_s`` (or the argument
        given to it when it is a callable).
    unit_post
        Per unit, its post: a row of ``travel_time_s`` (or an index into the array the
        callable returns). Several units may share a post.
    travel_time_s
        Seconds from each post to each node: a matrix ``[post, node]`` or a callable
        ``node -> times from every post`` (called at most once per node).
    service_time_s
        Time on scene: a fixed number of seconds, one per incident (array, input
        order), :class:`LognormalServiceTime` or :class:`EmpiricalServiceTime`.
    return_time_s
        Seconds from each node back to each post, in the same form as
        ``travel_time_s`` (``[post, node]`` or ``node -> times to every post``); the
        same as ``travel_time_s`` (symmetric roads) if not given.
    incident_priority
        Per incident, its queue priority: lower is more urgent. All equal if not given.
    turnout_s
        Seconds from dispatch until the unit starts driving, added to every response.
    tiers_s
        Tier limits in seconds for the compliance figures.
    period_s
        ``(start, end)`` in seconds to measure utilisation over; by default from the
        first incident received until the last unit is back at its post.
    seed
        Seed for ``np.random.default_rng`` (service-time draws).

    Returns
    -------
    SimulationResult
        Per-incident times and units, response figures and per-unit utilisation.
    """
    received, nodes, posts, priority = _checked_inputs(
        incident_time_s, incident_node, unit_post, incident_priority
    )
    if not (turnout_s >= 0 and math.isfinite(turnout_s)):
        raise InvalidInput("turnout_s must be finite and >= 0", field="turnout_s")
    n = received.size
    n_units = posts.size
    n_nodes = int(nodes.max()) + 1 if n else 0
    to_scene = _Times(travel_time_s, posts, "travel_time_s", n_nodes)
    to_post = (
        to_scene
        if return_time_s is None
        else _Times(return_time_s, posts, "return_time_s", n_nodes)
    )
    order = np.lexsort((np.arange(n), received)).astype(np.int64)
    rng = np.random.default_rng(seed)
    service = _service_times(service_time_s, rng, order)
    replay = _Replay(nodes, received, service, priority, n_units, turnout_s, to_scene, to_post)
    replay.run(order)

    dispatched = np.array(replay.dispatched, dtype=np.float64)
    arrived = np.array(replay.arrived, dtype=np.float64)
    back = np.array(replay.back, dtype=np.float64)
    travel = np.array(replay.travel, dtype=np.float64)
    served_by = np.array(replay.unit, dtype=np.int64)
    served = served_by >= 0
    service[~served] = np.nan
    cleared = arrived + service
    response = arrived - received
    wait = dispatched - received
    start, end = _measured_period(received, back, served, period_s)
    # Each served incident keeps its unit busy from dispatch until back at post.
    busy_part = np.clip(back[served], start, end) - np.clip(dispatched[served], start, end)
    busy = np.bincount(served_by[served], weights=busy_part, minlength=n_units).astype(np.float64)
    length = end - start
    utilisation = busy / length if length > 0 else np.zeros(n_units)
    counts = np.bincount(served_by[served], minlength=n_units).astype(np.int64)

    arrays = (received, dispatched, arrived, cleared, back, travel, service, response, wait)
    for array in (*arrays, busy, utilisation, counts, served_by):
        array.setflags(write=False)
    return SimulationResult(
        received_s=received,
        dispatched_s=dispatched,
        arrived_s=arrived,
        cleared_s=cleared,
        back_at_post_s=back,
        unit=served_by,
        wait_s=wait,
        travel_s=travel,
        service_s=service,
        response_s=response,
        figures=response_figures(response, tiers_s),
        busy_s=busy,
        utilisation=utilisation,
        incidents_per_unit=counts,
        period_s=(start, end),
        queued=int(np.count_nonzero(wait > 0)),
        unserved=replay.unserved,
        seed=seed,
    )


def _checked_inputs(
    incident_time_s: npt.ArrayLike,
    incident_node: npt.ArrayLike,
    unit_post: npt.ArrayLike,
    incident_priority: npt.ArrayLike | None,
) -> tuple[FloatArray, IntArray, IntArray, FloatArray]:
    """Check and convert the incidents' times, nodes and priorities and the units' posts."""
    received = np.array(incident_time_s, dtype=np.float64).ravel()
    nodes = np.asarray(incident_node).ravel()
    n = received.size
    if nodes.shape != (n,):
        raise InvalidInput("one node per incident is needed", field="incident_node")
    if np.any(~np.isfinite(received)):
        raise InvalidInput("incident times must be finite seconds", field="incident_time_s")
    if n and (not np.issubdtype(nodes.dtype, np.integer) or nodes.min() < 0):
        raise InvalidInput("incident nodes must be indices >= 0", field="incident_node")
    posts = np.asarray(unit_post).ravel()
    if posts.size == 0:
        raise InvalidInput("at least one unit is needed", field="unit_post")
    if not np.issubdtype(posts.dtype, np.integer) or posts.min() < 0:
        raise InvalidInput("unit posts must be indices >= 0", field="unit_post")
    if incident_priority is None:
        priority = np.zeros(n, dtype=np.float64)
    else:
        priority = np.asarray(incident_priority, dtype=np.float64).ravel()
        if priority.shape != (n,):
            raise InvalidInput("one priority per incident is needed", field="incident_priority")
    return received, nodes.astype(np.int64), posts.astype(np.int64), priority


def _measured_period(
    received: FloatArray,
    back: FloatArray,
    served: npt.NDArray[np.bool_],
    period_s: tuple[float, float] | None,
) -> tuple[float, float]:
    """Return the period utilisation is measured over (see :func:`simulate_response`)."""
    n = received.size
    if period_s is None:
        start = float(received.min()) if n else 0.0
        end = float(back[served].max()) if np.any(served) else start
        return start, max(end, float(received.max()) if n else start)
    start, end = float(period_s[0]), float(period_s[1])
    if not end >= start:
        raise InvalidInput("the period must end after it starts", field="period_s")
    return start, end


class _Replay:
    """The event loop of :func:`simulate_response`.

    Per-incident state is kept in plain lists (input order): scalar numpy writes are slow.
    """

    def __init__(
        self,
        nodes: IntArray,
        received: FloatArray,
        service: FloatArray,
        priority: FloatArray,
        n_units: int,
        turnout_s: float,
        to_scene: _Times,
        to_post: _Times,
    ) -> None:
        n = received.size
        nan = math.nan
        self.node_of: list[int] = nodes.tolist()
        self.received_of: list[float] = received.tolist()
        self.service_of: list[float] = service.tolist()
        self.priority_of: list[float] = priority.tolist()
        self.dispatched = [nan] * n
        self.arrived = [nan] * n
        self.back = [nan] * n
        self.travel = [nan] * n
        self.unit = [-1] * n
        self.penalty = np.zeros(n_units)  # 0 while a unit is at its post, inf while busy
        self.returns: list[tuple[float, int]] = []  # (back at post, unit): a heap
        self.queue: list[tuple[float, float, int, int]] = []  # (priority, received, seq, i)
        self.unserved = 0
        self.turnout_s = turnout_s
        self.scene_times = to_scene.of
        self.post_times = to_post.of

    def run(self, order: IntArray) -> None:
        """Replay the incidents in the order received."""
        for seq, i in enumerate(order.tolist()):
            now = self.received_of[i]
            while self.returns and self.returns[0][0] <= now:
                t_back, u = heapq.heappop(self.returns)
                self.unit_back(t_back, u)
            times = self.scene_times(self.node_of[i])
            masked = times + self.penalty
            u = int(masked.argmin())
            best = float(masked[u])
            if best < math.inf:
                self.dispatch(i, u, now, best)
            elif np.all(np.isinf(times)):
                self.unserved += 1
            else:
                bisect.insort(self.queue, (self.priority_of[i], now, seq, i))
        while self.returns:
            t_back, u = heapq.heappop(self.returns)
            self.unit_back(t_back, u)

    def dispatch(self, i: int, u: int, now: float, travel_u: float) -> None:
        """Send unit ``u`` to incident ``i`` at ``now``; it arrives after ``travel_u``."""
        node = self.node_of[i]
        travel_i = self.turnout_s + travel_u
        arrived_i = now + travel_i
        back_time = arrived_i + self.service_of[i] + float(self.post_times(node)[u])
        if not math.isfinite(back_time):
            raise InvalidInput(
                f"unit {u} can reach node {node} but not get back to its post",
                field="return_time_s",
            )
        self.dispatched[i] = now
        self.travel[i] = travel_i
        self.arrived[i] = arrived_i
        self.back[i] = back_time
        self.unit[i] = u
        self.penalty[u] = math.inf
        heapq.heappush(self.returns, (back_time, u))

    def unit_back(self, now: float, u: int) -> None:
        """Take unit ``u`` back at its post; it goes to the first queued incident it can reach."""
        self.penalty[u] = 0.0
        for k, (_, _, _, i) in enumerate(self.queue):
            t = float(self.scene_times(self.node_of[i])[u])
            if math.isfinite(t):
                del self.queue[k]
                self.dispatch(i, u, now, t)
                return
