"""ICD-10 code search: catalogues, synthetic phrasings, bi-encoder + reranker training, search, metrics."""

RERANK_TOP_N = 20  # bi-encoder candidates the reranker reorders: in training, evaluation and `miracle icd`
