"""Small builders for the metadata analysts read in the UI."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Mapping

import dagster as dg
import pandas as pd


def md_table(headers: Iterable[str], rows: Iterable[Iterable[object]], empty: str = "Nothing to show.") -> dg.MetadataValue:
    """A Markdown table, or `empty` when there are no rows."""
    rows = [list(r) for r in rows]
    if not rows:
        return dg.MetadataValue.md(empty)
    headers = list(headers)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return dg.MetadataValue.md("\n".join(lines))


def count_table(counts: Mapping[str, int], label: str, empty: str = "Nothing to show.") -> dg.MetadataValue:
    """Counts per label, largest first."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return md_table([label, "count"], ordered, empty=empty)


def column_schema(frame: pd.DataFrame) -> dg.TableSchema:
    """The columns and dtypes the UI shows on the asset's overview."""
    return dg.TableSchema(columns=[dg.TableColumn(str(name), str(dtype)) for name, dtype in frame.dtypes.items()])


def curve(points: list[Mapping[str, float]], x: str, y: str) -> dg.MetadataValue:
    """A small line plot as an inline PNG (the way Dagster's own docs show plots in the UI)."""
    if not points:
        return dg.MetadataValue.md("No points.")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 2.5), dpi=100)
    ax.plot([p[x] for p in points], [p[y] for p in points])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return dg.MetadataValue.md(f"![{y}](data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()})")
