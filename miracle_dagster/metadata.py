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


def _png(fig, title: str) -> dg.MetadataValue:
    """A matplotlib figure as an inline PNG in Markdown (the way Dagster's own docs show plots in the UI)."""
    from matplotlib import pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return dg.MetadataValue.md(f"![{title}](data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()})")


def _figure(width: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt.subplots(figsize=(width, 2.5), dpi=100)


def curve(points: list[Mapping[str, float]], x: str, y: str) -> dg.MetadataValue:
    """A small line plot, e.g. the training loss per step."""
    if not points:
        return dg.MetadataValue.md("No points.")
    fig, ax = _figure(5)
    ax.plot([p[x] for p in points], [p[y] for p in points])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    return _png(fig, y)


def bar_chart(values: Mapping[str, Mapping[str, float]], ylabel: str) -> dg.MetadataValue:
    """Grouped bars: {group (e.g. metric): {series (e.g. model): value}}, for side-by-side model comparisons."""
    if not values:
        return dg.MetadataValue.md("No values.")
    groups = list(values)
    series = list(dict.fromkeys(name for group in values.values() for name in group))
    fig, ax = _figure(max(5.0, 1.2 * len(groups) * max(1, len(series)) / 2))
    width = 0.8 / max(1, len(series))
    for i, name in enumerate(series):
        xs = [g + i * width for g in range(len(groups))]
        ax.bar(xs, [values[group].get(name, 0.0) for group in groups], width=width, label=name)
    ax.set_xticks([g + width * (len(series) - 1) / 2 for g in range(len(groups))], groups)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small")
    return _png(fig, ylabel)
