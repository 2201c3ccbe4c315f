"""Evaluation: retrieval metrics, pooled relevance judgments, RAG scoring. No Dagster here."""
