"""Domain logic with no Dagster import: unit-tested directly, reused by assets and the CLI."""
