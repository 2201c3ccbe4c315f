"""What a materialization recorded, for tests that run assets with `dg.materialize`."""

import dagster as dg


def metadata_of(result, asset: str) -> dict:
    """The metadata values of the one materialization of `asset` in `result`."""
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(asset)]
    return {k: v.value for k, v in event.materialization.metadata.items()}
