"""How sure are the retrieval numbers? Bootstrap intervals over questions and a paired test between models.

A few dozen judged questions make a mean MAP@100 noisy, so a model "beating" another by 0.01 means little on its
own. Both tools resample questions, the unit that varies: the percentile bootstrap (scipy) gives a 95% interval of a
mean, and the paired randomization test flips the sign of each question's difference between two models on the
same questions, which needs no normality assumption and keeps the pairing. Everything is seeded: reruns agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COMPARISON_COLUMNS = ["model", "metric", "mean", "ci_low", "ci_high", "delta_vs_base", "p_value", "n_queries"]


def bootstrap_ci(values, confidence: float = 0.95, n_resamples: int = 2000, seed: int = 0):
    """Percentile-bootstrap interval of the mean over the last axis: floats for one sample, arrays for a (rows x n) one.

    Fewer than two values have no spread to resample: NaN bounds rather than a falsely certain (v, v).
    """
    from scipy.stats import bootstrap

    data = np.asarray(values, dtype=float)
    if data.shape[-1] < 2:
        nan = np.full(data.shape[:-1], np.nan)
        return (float(nan), float(nan)) if data.ndim == 1 else (nan, nan)
    result = bootstrap(
        (data,),
        np.mean,
        axis=-1,
        vectorized=True,
        method="percentile",
        confidence_level=confidence,
        n_resamples=n_resamples,
        rng=np.random.default_rng(seed),
    )
    low, high = result.confidence_interval
    return (float(low), float(high)) if data.ndim == 1 else (np.asarray(low), np.asarray(high))


def paired_randomization_test(a, b, n_resamples: int = 10000, seed: int = 0, chunk: int = 1000) -> float:
    """Two-sided p-value that paired samples a and b have the same mean: random sign flips of the differences.

    p = (resamples with |mean difference| >= the observed one, + 1) / (n_resamples + 1), so never 0; identical
    inputs give exactly 1.0.
    """
    diffs = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if diffs.ndim != 1 or not len(diffs):
        raise ValueError(f"need two equally long, non-empty 1-D samples, got differences of shape {diffs.shape}")
    observed = abs(diffs.mean())
    tolerance = 1e-12 * max(1.0, np.abs(diffs).max())  # the same statistic reached in another order still counts
    rng, count, done = np.random.default_rng(seed), 0, 0
    while done < n_resamples:
        size = min(chunk, n_resamples - done)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(size, len(diffs)))
        count += int((np.abs((signs * diffs).mean(axis=1)) >= observed - tolerance).sum())
        done += size
    return (count + 1) / (n_resamples + 1)


def compare(
    per_query: dict[str, pd.DataFrame], base: str, metrics=None, confidence: float = 0.95, n_resamples: int = 10000, seed: int = 0
) -> pd.DataFrame:
    """Rows (model, metric, mean, ci_low, ci_high, delta_vs_base, p_value, n_queries) for every model and metric.

    `per_query` maps a model name to its per-question values (index: question id, a column per metric, as
    ir.per_query returns them). Only questions every model has are used, so all numbers are paired; the base
    model's own row has delta 0 and p 1.
    """
    if base not in per_query:
        raise ValueError(f"base model {base!r} is not among the compared models: {', '.join(per_query)}")
    common = per_query[base].index
    for frame in per_query.values():
        common = common.intersection(frame.index, sort=False)
    if common.empty:
        raise ValueError("the compared models share no question")
    metrics = list(metrics) if metrics is not None else list(per_query[base].columns)
    reference = per_query[base].loc[common, metrics]
    rows = []
    for model, frame in per_query.items():
        values = frame.loc[common, metrics]
        low, high = bootstrap_ci(values.to_numpy().T, confidence, seed=seed)
        for i, metric in enumerate(metrics):
            delta = float(values[metric].mean() - reference[metric].mean())
            p = paired_randomization_test(values[metric], reference[metric], n_resamples, seed)
            rows.append((model, metric, float(values[metric].mean()), float(low[i]), float(high[i]), delta, p, len(common)))
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
