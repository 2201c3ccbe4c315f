"""ICD-10 code search: catalogues, synthetic phrasings, bi-encoder + reranker training, search, metrics."""
