"""BLEURT through `bleurt-pytorch` (Apache-2.0): a converted PyTorch checkpoint in a local folder (e.g.
lucadiliello/BLEURT-20-D12), scored without TensorFlow.

Two parts are ours rather than the package's, both because of transformers 5:
* the package imports only after `_install_transformers5_shim` (see there for what and why);
* the input is encoded as google-research/bleurt's `encoding.encode_example` does it: the checkpoint's
  SentencePiece model (`spm.model`, the BLEURT-20 family) or WordPiece vocabulary (`vocab.txt`, the older
  checkpoints) splits reference and candidate, the pair is cut to the model's length by dropping tokens from the
  end of the longer one, then `[CLS] reference [SEP] candidate [SEP]` with segment ids 0 / 1. The package's
  `BleurtTokenizer` is not used: under transformers 5 it silently returns an empty BERT vocabulary for an
  `spm.model` folder (every token `[UNK]`), and its SentencePiece class is rebuilt on `tokenizers` with its own
  normalisation instead of the model's, so pieces could differ from what BLEURT was trained on.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

from miracle_dagster.core import settings

BUFFERS = ("bleurt.embeddings.position_ids", "bleurt.embeddings.token_type_ids")  # passed in, never read from here


def _install_transformers5_shim() -> None:
    """Provide the three things bleurt-pytorch 0.0.1 (written for transformers 4) uses and transformers 5 removed,
    each only where missing, so transformers 4 runs untouched:

    - `transformers.pytorch_utils.find_pruneable_heads_and_indices` (head pruning is gone): imported by the model
      module, called only by `prune_heads`, which scoring never calls; the stand-in raises if it is.
    - `transformers.models.bert.tokenization_bert_fast` (the slow / fast tokenizer split is gone; `BertTokenizer` is
      the `tokenizers`-backed class): imported by the package for its WordPiece tokenizer class, which we do not use.
    - `get_extended_attention_mask` / `get_head_mask` of `PreTrainedModel` (gone with the attention-interface
      rewrite), both called by `BleurtModel.forward`: added to bleurt-pytorch's own `BleurtPreTrainedModel` only,
      as transformers 4 defined them for an encoder's 2-D padding mask (0 where attended, the dtype's minimum where
      padded, added to the attention logits) and no head mask. The test checks the scores against transformers 5's
      own BERT loaded with the same weights (BLEURT is BERT with a regression head).
    """
    import torch
    import transformers
    from transformers import pytorch_utils

    if not hasattr(pytorch_utils, "find_pruneable_heads_and_indices"):

        def find_pruneable_heads_and_indices(*args, **kwargs):
            raise NotImplementedError("head pruning is not available with transformers 5")

        pytorch_utils.find_pruneable_heads_and_indices = find_pruneable_heads_and_indices
    name = "transformers.models.bert.tokenization_bert_fast"
    try:
        __import__(name)
    except ImportError:
        sys.modules[name] = types.ModuleType(name)
        sys.modules[name].BertTokenizerFast = transformers.BertTokenizer

    from bleurt_pytorch.bleurt import modeling_bleurt

    base = modeling_bleurt.BleurtPreTrainedModel
    if not hasattr(base, "get_extended_attention_mask"):

        def get_extended_attention_mask(self, attention_mask, input_shape=None):
            mask = attention_mask[:, None, None, :].to(self.dtype)
            return (1.0 - mask) * torch.finfo(self.dtype).min

        base.get_extended_attention_mask = get_extended_attention_mask
    if not hasattr(base, "get_head_mask"):

        def get_head_mask(self, head_mask, num_hidden_layers):
            if head_mask is not None:
                raise NotImplementedError("head masks are not available with transformers 5")
            return [None] * num_hidden_layers

        base.get_head_mask = get_head_mask


class BleurtScorer:
    """`score(references=..., candidates=...)`: one BLEURT score per pair, in batches, eval mode, no gradients."""

    def __init__(self, model, tokenize, to_ids, max_length: int, batch_size: int = 16, device: str = "cpu"):
        self.model, self.tokenize, self.to_ids = model.to(device).eval(), tokenize, to_ids
        self.max_length, self.batch_size, self.device = max_length, batch_size, device

    def encode(self, reference: str, candidate: str) -> tuple[list[int], list[int]]:
        """(input ids, segment ids) as bleurt's `encode_example`, without its padding."""
        ref, cand = self.tokenize(reference), self.tokenize(candidate)
        while len(ref) + len(cand) > self.max_length - 3:
            (ref if len(ref) > len(cand) else cand).pop()
        ids = self.to_ids(["[CLS]", *ref, "[SEP]", *cand, "[SEP]"])
        return ids, [0] * (len(ref) + 2) + [1] * (len(cand) + 1)

    def score(self, references: list[str], candidates: list[str]) -> list[float]:
        import torch

        if len(references) != len(candidates):
            raise ValueError(f"{len(references)} references but {len(candidates)} candidates")
        scores: list[float] = []
        for start in range(0, len(references), self.batch_size):
            pairs = [
                self.encode(r, c) for r, c in zip(references[start : start + self.batch_size], candidates[start : start + self.batch_size])
            ]
            width = max(len(ids) for ids, _ in pairs)
            ids = torch.tensor([i + [0] * (width - len(i)) for i, _ in pairs], device=self.device)
            segments = torch.tensor([s + [0] * (width - len(s)) for _, s in pairs], device=self.device)
            mask = torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i, _ in pairs], device=self.device)
            positions = torch.arange(width, device=self.device).expand(len(pairs), -1)
            with torch.inference_mode():
                out = self.model(input_ids=ids, attention_mask=mask, token_type_ids=segments, position_ids=positions)
            scores += [float(v) for v in out.logits[:, 0].cpu()]
        return scores


def _tokenizer(folder: Path):
    """(tokenize, to_ids, max length the tokenizer allows or None, why not)."""
    if (folder / "spm.model").is_file():
        import sentencepiece as spm

        sp = spm.SentencePieceProcessor(model_file=str(folder / "spm.model"))
        if sp.piece_to_id("[CLS]") == sp.unk_id() or sp.piece_to_id("[SEP]") == sp.unk_id():
            return None, None, None, f"{folder / 'spm.model'} has no [CLS] / [SEP] pieces: not a BLEURT vocabulary"
        return sp.encode_as_pieces, lambda tokens: [sp.piece_to_id(t) for t in tokens], None, ""
    if (folder / "vocab.txt").is_file():
        from transformers import BertTokenizer

        tok = BertTokenizer.from_pretrained(str(folder))
        return tok.tokenize, tok.convert_tokens_to_ids, tok.model_max_length, ""
    return None, None, None, f"no spm.model or vocab.txt in {folder}"


def bleurt_scorer(checkpoint: str, batch_size: int = 16, device: str | None = None) -> tuple[BleurtScorer | None, str]:
    """(scorer, "") for a converted BLEURT checkpoint folder, else (None, why it cannot score)."""
    if not checkpoint:
        return None, "MIRACLE_BLEURT_CHECKPOINT is not set"
    folder = Path(checkpoint)
    if not folder.is_dir():
        return None, f"no checkpoint folder at {checkpoint}"
    if not (folder / "config.json").is_file():
        return None, f"no config.json in {checkpoint}: not a converted (PyTorch) BLEURT checkpoint"
    if json.loads((folder / "config.json").read_text()).get("model_type") != "bleurt":
        return None, f"{checkpoint}/config.json is not a BLEURT model (model_type is not 'bleurt')"
    try:
        _install_transformers5_shim()
        from bleurt_pytorch import BleurtForSequenceClassification
    except ImportError as error:
        return None, f"bleurt-pytorch does not import: {error}"
    tokenize, to_ids, tokenizer_max, why = _tokenizer(folder)
    if why:
        return None, why
    import torch

    try:
        model, info = BleurtForSequenceClassification.from_pretrained(str(folder), dtype=torch.float32, output_loading_info=True)
    except (OSError, ValueError) as error:
        return None, f"cannot load the BLEURT model in {checkpoint}: {error}"
    missing = [k for k in info["missing_keys"] if k not in BUFFERS]
    if missing:  # a randomly initialised head or layer would score without complaint
        return None, f"the checkpoint in {checkpoint} lacks weights: {', '.join(sorted(missing)[:5])}"
    max_length = min(model.config.max_position_embeddings, tokenizer_max or model.config.max_position_embeddings)
    return BleurtScorer(model, tokenize, to_ids, max_length, batch_size, device or settings.device()), ""
