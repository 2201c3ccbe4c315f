"""icd_code_catalog and icd_synthetic_queries: the codes a run works on and the LLM's clinical phrasings of them.

Unpartitioned: one catalogue selection per run (launchpad config). The default is tiny (30 terminal codes of
ICD-10-GM chapter 09, circulatory system) because the bundled CPU LLM takes ~20 s per prompt.
"""

from pathlib import Path

import dagster as dg
import pandas as pd

from miracle_dagster.config import config_from
from miracle_dagster.core.icd import catalog, queries
from miracle_dagster.metadata import column_schema, count_table, md_table
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.llm import LLMResource
from miracle_dagster.resources.storage import DataRoot

UNIQUE_CHECK, REFERENCE_CHECK = "codes_unique", "queries_reference_catalogue_codes"


class IcdCatalogConfig(dg.Config):
    """Which catalogue (icd10gm | icd10cm | icd10who) and which of its codes."""

    catalogue: str = "icd10gm"
    terminal_only: bool = True
    chapters: list[str] = ["09"]
    prefixes: list[str] = []
    max_codes: int = 30  # 0: all
    gm_file: str = ""  # default MIRACLE_ICD_GM_FILE: a BfArM code list (.txt syst_kodes or .jsonl[.gz])

    def selection(self) -> catalog.Selection:
        return catalog.Selection(
            self.catalogue, self.terminal_only, tuple(self.prefixes), tuple(self.chapters), self.max_codes, self.gm_file
        )


@dg.asset(
    group_name="icd",
    kinds={"pandas", "parquet"},
    check_specs=[dg.AssetCheckSpec(UNIQUE_CHECK, asset="icd_code_catalog", blocking=True)],
    description="ICD-10 codes with title, inclusion terms, parent and chapter: the selection the search is trained for.",
)
def icd_code_catalog(config: IcdCatalogConfig):
    frame = catalog.load_selection(config.selection())
    if frame.empty:
        raise dg.Failure(description=f"the selection {config.model_dump()} matches no code")
    duplicates = catalog.duplicate_codes(frame)
    yield dg.Output(
        frame,
        metadata={
            "catalogue": config.catalogue,
            "catalogue_version": str(frame["version"].iloc[0]),
            "codes": len(frame),
            "terminal_codes": int(frame["terminal"].sum()),
            "codes_with_inclusion_terms": int((frame["inclusion_terms"].map(len) > 0).sum()),
            "by_chapter": count_table(frame["chapter"].value_counts().to_dict(), "chapter"),
            "first_codes": md_table(["code", "title"], frame[["code", "title"]].head(5).values),
            "dagster/row_count": len(frame),
            "dagster/column_schema": column_schema(frame),
        },
    )
    yield dg.AssetCheckResult(
        check_name=UNIQUE_CHECK,
        passed=not duplicates,
        metadata={"duplicate_codes": len(duplicates)},
        description="Every code appears once: a duplicate would be its own hard negative.",
    )


class IcdQueriesConfig(config_from(queries.QueryConfig)):
    """Prompt, sampling and filters are part of the completion cache key: changing them regenerates (core QueryConfig)."""

    round_trip_model: str = ""  # default: the embedder (MIRACLE_EMBEDDER)


@dg.multi_asset(
    outs={
        "icd_synthetic_queries": dg.AssetOut(
            kinds={"pandas", "parquet"},
            description="Kept phrasings per code and language, with round-trip scores, generator and prompt version.",
        ),
        "icd_rejected_queries": dg.AssetOut(
            kinds={"pandas", "parquet"}, description="Every dropped phrasing or failed request, with the reason."
        ),
    },
    group_name="icd",
    pool="llm",
    check_specs=[dg.AssetCheckSpec(REFERENCE_CHECK, asset="icd_synthetic_queries", blocking=True)],
)
def icd_synthetic_queries(
    config: IcdQueriesConfig, icd_code_catalog: pd.DataFrame, llm: LLMResource, embedder: EmbeddingModels, data_root: DataRoot
):
    client = llm.client()
    index = embedder.code_index(icd_code_catalog, Path(data_root.path), config.round_trip_model or None)
    result = queries.generate_queries(icd_code_catalog, client, index, config.to_core())
    kept = result.kept
    unknown = sorted(set(kept["code"]) - set(icd_code_catalog["code"]))
    per_language = kept.groupby("language").size().reindex(config.languages, fill_value=0)
    yield dg.Output(
        kept,
        output_name="icd_synthetic_queries",
        metadata={
            "codes": len(icd_code_catalog),
            "requests": result.requests,
            "phrasings_kept": len(kept),
            "phrasings_rejected": int((result.rejected["phrasing"] != "").sum()),
            "codes_without_phrasings": int(len(set(icd_code_catalog["code"]) - set(kept["code"]))),
            "rejected_by_reason": count_table(result.reasons, "reason", empty="Nothing rejected."),
            "kept_by_language": md_table(["language", "phrasings"], per_language.reset_index().values),
            "examples": md_table(
                ["code", "language", "phrasing"], kept[["code", "language", "phrasing"]].head(6).values, empty="None kept."
            ),
            "prompt_version": queries.PROMPT_VERSION,
            "round_trip_model": index.model_key,
            "generator_model": client.model_id,
            **llm.describe(),
            **client.usage.as_metadata(),
            "dagster/row_count": len(kept),
            "dagster/column_schema": column_schema(kept),
        },
    )
    yield dg.Output(
        result.rejected,
        output_name="icd_rejected_queries",
        metadata={
            "rejected": len(result.rejected),
            **{f"rejected_{reason}": n for reason, n in sorted(result.reasons.items())},
        },
    )
    yield dg.AssetCheckResult(
        check_name=REFERENCE_CHECK,
        asset_key="icd_synthetic_queries",
        passed=not unknown,
        metadata={"unknown_codes": len(unknown)},
        description="Every phrasing belongs to a code of the catalogue.",
    )
