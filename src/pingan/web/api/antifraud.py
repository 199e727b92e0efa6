"""The anti-fraud desk's API: screening a described situation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pingan.antifraud import screening
from pingan.antifraud.schemas import ScreeningRead, ScreenRequest
from pingan.web.deps import AntifraudScreener

router = APIRouter(prefix="/api/v1/antifraud", tags=["antifraud"])


@router.post("/screen", response_model=ScreeningRead)
def screen(body: ScreenRequest, caller: AntifraudScreener) -> dict[str, Any]:
    """Whether the situation is fraud, its type, the signs with their words, the risk tier
    and the advice to give now. Nothing is stored."""
    return screening.screening_json(screening.screen(body.text))
