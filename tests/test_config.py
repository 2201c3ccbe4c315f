"""Each setting is defined once: the assets' run config classes take their fields and defaults from the core
dataclasses, and hand the dataclass back."""

import dataclasses

import pytest

from miracle_dagster.assets.icd import IcdQueriesConfig
from miracle_dagster.assets.icd_default import IcdDefaultModelConfig, IcdDefaultRerankConfig, IcdTermsConfig
from miracle_dagster.assets.icd_models import IcdBiencoderConfig, IcdRerankerConfig
from miracle_dagster.assets.phi_detector import PhiDetectorRunConfig
from miracle_dagster.assets.qa import QAGenerationConfig
from miracle_dagster.assets.train import FineTuneConfig
from miracle_dagster.core.icd.defaults import DefaultModelConfig, DefaultRerankConfig, TermsConfig
from miracle_dagster.core.icd.queries import QueryConfig
from miracle_dagster.core.icd.train import RerankConfig
from miracle_dagster.core.pseudonymize.trained import PhiTrainConfig
from miracle_dagster.core.qa import QAConfig
from miracle_dagster.core.training import TrainConfig

CONFIGS = [  # run config, its core dataclass, the asset-only fields, the defaults the asset changes
    (FineTuneConfig, TrainConfig, {"base_model"}, {}),
    (
        IcdBiencoderConfig,
        TrainConfig,
        {"base_model", "split_by", "split_seed", "dev_fraction", "test_fraction", "num_negatives", "max_seq_length"},
        {"batch_size": 32},
    ),
    (IcdRerankerConfig, RerankConfig, {"base_encoder", "rerank_top_n"}, {}),
    (IcdDefaultRerankConfig, DefaultRerankConfig, set(), {}),
    (IcdDefaultModelConfig, DefaultModelConfig, set(), {}),
    (IcdTermsConfig, TermsConfig, set(), {}),
    (QAGenerationConfig, QAConfig, set(), {}),
    (IcdQueriesConfig, QueryConfig, {"round_trip_model"}, {}),
    (PhiDetectorRunConfig, PhiTrainConfig, {"cv_folds"}, {}),
]


@pytest.mark.parametrize("config, core, asset_only, changed", CONFIGS, ids=[c[0].__name__ for c in CONFIGS])
def test_run_config_is_the_core_dataclass_plus_asset_fields(config, core, asset_only, changed):
    assert set(config.model_fields) == {f.name for f in dataclasses.fields(core)} | asset_only
    assert config().to_core() == dataclasses.replace(core(), **changed)  # every default from core, unless the asset says


def test_tuples_are_lists_in_run_config_and_tuples_again_in_core():
    config = QAGenerationConfig(skip_sections=["Kopf", "Gruss"])
    assert config.model_dump()["skip_sections"] == ["Kopf", "Gruss"] and config.to_core().skip_sections == ("Kopf", "Gruss")
    assert FineTuneConfig(matryoshka_dims=[256, 64]).to_core().matryoshka_dims == (256, 64)
    with pytest.raises(ValueError, match="loss must be one of"):  # the core's own validation still runs
        FineTuneConfig(loss="triplet").to_core()
