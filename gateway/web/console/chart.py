"""The geometry of the dashboard's chart: one pair of bars per day, stamps and redemptions."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.loyalty.analytics.schemas import DayRow

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 30, 30


@dataclass(frozen=True)
class Bar:
    """One bar, in the SVG's user units."""

    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Chart:
    """What the SVG template draws."""

    width: int
    height: int
    left: int
    base: int
    top: int
    peak: int
    stamps: list[Bar]
    redemptions: list[Bar]
    ticks: list[tuple[float, str]]  # x position and the day under it
    summary: str


def _scale(peak: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``peak``: a round top."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if step >= peak:
                return step
        magnitude *= 10


def chart_of(days: list[DayRow]) -> Chart:
    """Bars for each day, scaled to the busiest day; a day label at the start, middle, end."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    base = TOP + plot_height
    peak = _scale(max([1, *(max(day.stamps, day.redemptions) for day in days)]))
    slot = plot_width / max(1, len(days))
    bar = max(1.0, slot * 0.4)

    def bar_of(index: int, value: int, shift: float, what: str, day: DayRow) -> Bar:
        height = plot_height * value / peak
        x = LEFT + index * slot + slot * 0.1 + shift
        label = f"{day.date.isoformat()}: {value} {what}"
        return Bar(round(x, 2), round(base - height, 2), round(bar, 2), round(height, 2), label)

    stamps = [bar_of(i, day.stamps, 0, "stamps", day) for i, day in enumerate(days)]
    redemptions = [
        bar_of(i, day.redemptions, bar, "redemptions", day) for i, day in enumerate(days)
    ]
    marks = sorted({0, len(days) // 2, len(days) - 1}) if days else []
    ticks = [(round(LEFT + i * slot + slot / 2, 2), days[i].date.strftime("%d %b")) for i in marks]
    total_stamps = sum(day.stamps for day in days)
    total_redemptions = sum(day.redemptions for day in days)
    summary = (
        f"Stamps and redemptions per day over {len(days)} days: "
        f"{total_stamps} stamps, {total_redemptions} redemptions in all."
    )
    return Chart(WIDTH, HEIGHT, LEFT, base, TOP, peak, stamps, redemptions, ticks, summary)
