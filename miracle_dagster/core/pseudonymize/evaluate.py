"""Leak check and detection quality against the sample corpus's exact PHI ground truth.

Held-out data: the rules must be measured on text they were not tuned on, so evaluate on a corpus generated with
another seed than the one used while writing the rules (the tests use seed 7; the rules were tuned on seed 42).
Another seed gives new names, places, numbers and template combinations, but the same template family; text from
a different hospital can still hold surprises, so the leak check on real data remains the last line of defence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Iterable, Mapping, Sequence

from miracle_dagster.core.pseudonymize.dates import formats_of
from miracle_dagster.core.pseudonymize.masterlist import birth_of, person_names
from miracle_dagster.core.schema import PHI_TYPES

MIN_LEAK_LEN = 4  # shorter values (Uwe, Eva, Max, Jan) collide with abbreviations and words: they cannot be tested by string search
_LEAK_SPAN_TYPES = (
    "PATIENT_NAME",
    "RELATIVE_NAME",
    "BIRTH_DATE",
    "STREET",
    "POSTAL_CITY",
    "PHONE",
    "EMAIL",
    "PATIENT_ID",
    "CASE_ID",
    "INSURANCE_ID",
)
GROUPS = {
    "names": ("PATIENT_NAME", "RELATIVE_NAME", "STAFF_NAME"),
    "dates": ("DATE", "BIRTH_DATE"),
    "identifiers": ("PATIENT_ID", "CASE_ID", "ORDER_ID", "INSURANCE_ID", "PHONE", "FAX", "EMAIL"),
}


def _get(s: Any, k: str) -> Any:
    return s[k] if isinstance(s, Mapping) else getattr(s, k)


def known_phi_values(patients: Iterable[dict], phi_spans: Iterable[Mapping] | None = None) -> dict[str, set[str]]:
    """Per patient, the identifying strings that must never appear in pseudonymized output.

    From the master list: first/last/full name, birth date in every common spelling, street, postal code + city,
    phone, e-mail, insurance and patient number, relatives' names and phones. From ground-truth spans (optional):
    the patient's and relatives' names, addresses and numbers as written. Staff names, organisations and event
    dates are left out: they do not identify the patient, and a shifted date may legitimately equal another
    original date. Values shorter than :data:`MIN_LEAK_LEN` are skipped.
    """
    out: dict[str, set[str]] = defaultdict(set)
    for p in patients:
        pid = str(p["patient_id"])
        vals = out[pid]
        for person in [p, *(p.get("relatives") or ())]:
            first, last = person_names(person)
            vals |= {first, last, f"{first} {last}".strip(), *first.split(), *last.split("-")}
            vals.add(str(person.get("phone") or ""))
        b = birth_of(p)
        if b:
            vals |= formats_of(b)
        vals |= {str(p.get(k) or "") for k in ("street", "email", "insurance_id", "phone", "patient_id")}
        if p.get("postal_code"):
            vals.add(f"{p['postal_code']} {p.get('city', '')}".strip())
    for s in phi_spans or ():
        if s["type"] in _LEAK_SPAN_TYPES:
            vals = out[str(s["patient_id"])]
            vals.add(s["text"])
            if s["type"] in ("PATIENT_NAME", "RELATIVE_NAME"):
                vals |= {w for w in re.split(r"[\s,]+", s["text"]) if not w.endswith(".")}
    return {pid: {v.strip() for v in vals if len(v.strip()) >= MIN_LEAK_LEN} for pid, vals in out.items()}


def find_leaks(text: str, values: Iterable[str]) -> list[str]:
    """Values found in ``text``: case-insensitive, only as whole words, any whitespace run matches any other."""
    found = []
    for v in sorted(set(values)):
        pat = r"\s+".join(re.escape(w) for w in v.split())
        if pat and re.search(rf"(?<!\w){pat}(?!\w)", text, re.I):
            found.append(v)
    return found


def _prf(tp: int, n_pred: int, n_gold: int, tp_gold: int | None = None) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = (tp if tp_gold is None else tp_gold) / n_gold if n_gold else 1.0
    return round(p, 4), round(r, 4), round(2 * p * r / (p + r), 4) if p + r else 0.0


def _tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\w+", text)]


def evaluate(
    documents: Sequence[Mapping], gold_spans: Iterable[Mapping], predicted_spans: Iterable[Mapping] | Mapping[str, Sequence]
) -> dict:
    """Precision/recall/F1 per PHI type and overall, three ways, plus missed examples.

    - ``exact``: entity level, same start, end and type.
    - ``overlap``: entity level, type-agnostic: a gold span counts as found if any prediction overlaps it, a
      prediction counts as correct if it overlaps any gold span (privacy view: was it replaced at all?).
    - ``token``: ``\\w+`` tokens inside a gold span vs inside a predicted span, type-agnostic per token; per-type rows
      use the gold type for recall and the predicted type for precision.

    ``predicted_spans``: dicts/PHISpans with ``document_id``, or a mapping document_id -> spans.
    Returns ``{"rows": [...], "groups": {...}, "missed": [...]}``; rows render with :func:`markdown_table`.
    """
    texts = {d["document_id"]: d["text"] for d in documents}
    gold: dict[str, list] = defaultdict(list)
    for s in gold_spans:
        gold[s["document_id"]].append((s["start"], s["end"], s["type"]))
    pred: dict[str, list] = defaultdict(list)
    items = predicted_spans.items() if isinstance(predicted_spans, Mapping) else ((_get(s, "document_id"), [s]) for s in predicted_spans)
    for doc_id, spans in items:
        pred[doc_id] += [(_get(s, "start"), _get(s, "end"), _get(s, "type")) for s in spans]
    c: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    missed = []
    for doc_id, text in texts.items():
        g, p = gold[doc_id], pred[doc_id]
        pset = set(p)
        for gs in g:
            for key in (gs[2], "ALL"):
                c[key]["gold"] += 1
                c[key]["exact_tp"] += gs in pset
                hit = any(ps[0] < gs[1] and gs[0] < ps[1] for ps in p)
                c[key]["overlap_gold_tp"] += hit
            if not hit:
                missed.append(
                    {
                        "document_id": doc_id,
                        "type": gs[2],
                        "text": text[gs[0] : gs[1]],
                        "context": text[max(0, gs[0] - 40) : gs[1] + 40].replace("\n", " ⏎ "),
                    }
                )
        for ps in p:
            for key in (ps[2], "ALL"):
                c[key]["pred"] += 1
                c[key]["overlap_pred_tp"] += any(ps[0] < gs[1] and gs[0] < ps[1] for gs in g)
        for ts, te in _tokens(text):
            gt = next((x[2] for x in g if x[0] < te and ts < x[1]), None)
            pt = next((x[2] for x in p if x[0] < te and ts < x[1]), None)
            for key in {gt, "ALL"} if gt else ():
                c[key]["tok_gold"] += 1
                c[key]["tok_gold_tp"] += pt is not None
            for key in {pt, "ALL"} if pt else ():
                c[key]["tok_pred"] += 1
                c[key]["tok_pred_tp"] += gt is not None
    rows = [_row(t, c[t]) for t in [*PHI_TYPES, "ALL"] if c[t]["gold"] or c[t]["pred"]]
    groups = {
        g: _row(
            g,
            {
                k: sum(c[t][k] for t in ts)
                for k in (
                    "gold",
                    "pred",
                    "exact_tp",
                    "overlap_gold_tp",
                    "overlap_pred_tp",
                    "tok_gold",
                    "tok_pred",
                    "tok_gold_tp",
                    "tok_pred_tp",
                )
            },
        )
        for g, ts in GROUPS.items()
    }
    return {"rows": rows, "groups": groups, "missed": missed}


def _row(name: str, k: Mapping[str, int]) -> dict:
    ep, er, ef = _prf(k["exact_tp"], k["pred"], k["gold"])
    op, orr, of = _prf(k["overlap_pred_tp"], k["pred"], k["gold"], k["overlap_gold_tp"])
    tp, tr, tf = _prf(k["tok_pred_tp"], k["tok_pred"], k["tok_gold"], k["tok_gold_tp"])
    return {
        "type": name,
        "gold": k["gold"],
        "pred": k["pred"],
        "exact_p": ep,
        "exact_r": er,
        "exact_f1": ef,
        "overlap_p": op,
        "overlap_r": orr,
        "overlap_f1": of,
        "token_p": tp,
        "token_r": tr,
        "token_f1": tf,
    }


def markdown_table(rows: Sequence[Mapping]) -> str:
    """Render rows (dicts with the same keys) as a GitHub markdown table."""
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(f"{r[k]:.3f}" if isinstance(r[k], float) else str(r[k]) for k in cols) + " |" for r in rows]
    return "\n".join(lines)
