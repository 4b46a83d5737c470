"""A report table: what the page shows, and exactly what its CSV and XLSX exports hold.

Cells are already rounded the way the page shows them (hours and percentages to one
decimal), so an export reads back to the numbers on the screen. ``None`` is "no data"
(an empty cell in the exports, a dash on the page).
"""

import csv
import io
from dataclasses import dataclass, field

import tablib

Cell = str | int | float | None


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""

    def as_csv(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.headers)
        for row in self.rows:
            writer.writerow(["" if cell is None else cell for cell in row])
        # A byte-order mark so that spreadsheet programs read UTF-8 (dashes, accents).
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")

    def as_xlsx(self) -> bytes:
        dataset = tablib.Dataset(headers=self.headers, title=self.title[:31])
        for row in self.rows:
            dataset.append(["" if cell is None else cell for cell in row])
        data: bytes = dataset.export("xlsx")
        return data


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600.0, 1)


def percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def score(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
