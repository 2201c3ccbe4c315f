"""Every asset is a Parquet file per partition under the data root, so analysts can open them with any tool."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd
from dagster._core.storage.upath_io_manager import UPathIOManager
from upath import UPath

from miracle_dagster.core import model_store


class _ParquetUPathIOManager(UPathIOManager):
    extension = ".parquet"

    def dump_to_path(self, context: dg.OutputContext, obj: pd.DataFrame, path: UPath) -> None:
        if not isinstance(obj, pd.DataFrame):
            raise TypeError(f"{context.asset_key.to_user_string()} must return a pandas DataFrame, got {type(obj)}")
        if path.protocol not in ("", "file", "local"):
            with path.open("wb") as f:  # object stores publish an object only once it is complete
                obj.to_parquet(f, index=False)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".parquet.tmp")
        obj.to_parquet(tmp, index=False)
        tmp.rename(path)  # readers never see a half-written file

    def load_from_path(self, context: dg.InputContext, path: UPath) -> pd.DataFrame:
        with path.open("rb") as f:
            return pd.read_parquet(f)


class ParquetIOManager(dg.ConfigurableIOManagerFactory):
    """Writes `<base_dir>/<asset>/<specialty>/<year>.parquet`."""

    base_dir: str

    def create_io_manager(self, context: dg.InitResourceContext) -> _ParquetUPathIOManager:
        return _ParquetUPathIOManager(base_path=UPath(self.base_dir))


def partition_file(base_dir: str | Path | UPath, asset_name: str, *key: str) -> Path | UPath:
    """Where the IO manager keeps an asset's file: the key's parts are folders, the last names the file (a specialty x
    year partition: dimensions sorted by name, specialty then year; a variant alone; no key: unpartitioned). A UPath
    base (object storage) gives a UPath."""
    *folders, last = (asset_name, *key)
    base = base_dir if isinstance(base_dir, UPath) else Path(base_dir)
    return base.joinpath(*folders, f"{last}.parquet")


class DataRoot(dg.ConfigurableResource):
    """The data root (`MIRACLE_HOME`): assets read earlier versions of themselves, and other assets' partitions,
    through it. Asset files are read where the IO manager writes them (`assets_url`, e.g. `s3://bucket/assets`, else
    `<path>/assets`), trained models where `models_url` points; caches and the embedded Qdrant stay under `path`."""

    path: str
    assets_url: str = ""
    models_url: str = ""  # trained models and their registries (core/model_store.py); empty: `<path>/models`

    @property
    def models_store(self) -> UPath:
        return model_store.store(self.models_url, Path(self.path))

    @property
    def local_models(self) -> Path:
        """Where training writes its checkpoints (a local disk); the finished model is then published to models_store."""
        return Path(self.path) / "models"

    @property
    def assets_dir(self) -> UPath:
        return UPath(self.assets_url) if self.assets_url else UPath(Path(self.path) / "assets")

    def partitions(self, asset_name: str) -> list[tuple[str, str]]:
        """(specialty, year) of every partition written so far."""
        return sorted((f.parent.name, f.stem) for f in (self.assets_dir / asset_name).glob("*/*.parquet"))

    def read(self, asset_name: str, *key: str, columns: list[str] | None = None) -> pd.DataFrame | None:
        """The file as last written, or None before the first materialization."""
        file = partition_file(self.assets_dir, asset_name, *key)
        if not file.exists():
            return None
        with file.open("rb") as f:
            return pd.read_parquet(f, columns=columns)

    def previous(self, asset_name: str, specialty: str, year: str, columns: list[str] | None = None) -> pd.DataFrame | None:
        """The partition as last written, or None before the first materialization."""
        return self.read(asset_name, specialty, year, columns=columns)

    def read_all(self, asset_name: str, columns: list[str] | None = None) -> pd.DataFrame | None:
        """Every written partition of an asset in one frame with its `year`, or None when none is written."""
        parts = self.partitions(asset_name)
        if not parts:
            return None
        return pd.concat([self.read(asset_name, s, y, columns=columns).assign(year=y) for s, y in parts], ignore_index=True)
