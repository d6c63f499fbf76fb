"""Board configuration: which KPI sits on which board (``boards.yaml`` in this package)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

BOARDS_FILE = Path(__file__).with_name("boards.yaml")


@dataclass(frozen=True)
class Board:
    id: str
    title_zh: str
    title_en: str
    headline: tuple[str, ...]
    trend: tuple[str, ...]
    compare: tuple[str, ...]
    aging: tuple[str, ...] = ()
    technicians: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    @property
    def kpi_codes(self) -> tuple[str, ...]:
        """Every KPI of kpi_values the board shows, in first-seen order."""
        seen: dict[str, None] = {}
        for code in (*self.headline, *self.trend, *self.compare, *self.aging):
            seen.setdefault(code, None)
        return tuple(seen)


@dataclass(frozen=True)
class ScorecardBoard:
    id: str
    title_zh: str
    title_en: str
    grains: tuple[str, ...]

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


@dataclass(frozen=True)
class BoardConfig:
    trend_periods: int
    grains: tuple[str, ...]
    default_grain: str
    boards: tuple[Board, ...]
    scorecard: ScorecardBoard

    def board(self, board_id: str) -> Board:
        for board in self.boards:
            if board.id == board_id:
                return board
        raise KeyError(f"no board {board_id!r} in {BOARDS_FILE.name}")

    @property
    def board_ids(self) -> tuple[str, ...]:
        return (*(b.id for b in self.boards), self.scorecard.id)

    @property
    def kpi_codes(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for board in self.boards:
            for code in (*board.kpi_codes, *board.technicians):
                seen.setdefault(code, None)
        return tuple(seen)


def _codes(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(code) for code in raw.get(key) or ())


def parse_config(raw: dict[str, Any]) -> BoardConfig:
    boards = tuple(
        Board(
            id=str(b["id"]),
            title_zh=str(b["title_zh"]),
            title_en=str(b["title_en"]),
            headline=_codes(b, "headline"),
            trend=_codes(b, "trend"),
            compare=_codes(b, "compare"),
            aging=_codes(b, "aging"),
            technicians=_codes(b, "technicians"),
        )
        for b in raw["boards"]
    )
    sc = raw["scorecard"]
    config = BoardConfig(
        trend_periods=int(raw["trend_periods"]),
        grains=tuple(raw["grains"]),
        default_grain=str(raw["default_grain"]),
        boards=boards,
        scorecard=ScorecardBoard(
            id=str(sc["id"]),
            title_zh=str(sc["title_zh"]),
            title_en=str(sc["title_en"]),
            grains=tuple(sc["grains"]),
        ),
    )
    if config.default_grain not in config.grains:
        raise ValueError(f"default_grain {config.default_grain!r} is not in grains")
    if len(set(config.board_ids)) != len(config.board_ids):
        raise ValueError(f"board ids repeat in {BOARDS_FILE.name}")
    return config


@cache
def load_config(path: Path = BOARDS_FILE) -> BoardConfig:
    with path.open(encoding="utf-8") as handle:
        return parse_config(yaml.safe_load(handle))
