#!/usr/bin/env python3
"""Two tiny tokenizers in Hugging Face's tokenizer.json format, for tiedformer's tokenizer
tests. Standard library only:

    python3 scripts/make_tokenizer_fixture.py tests/fixtures
    npx biome format --write tests/fixtures/tokenizer tests/fixtures/tokenizer-sentencepiece

tokenizer/: byte-level BPE (the GPT-2 / Llama 3 / Qwen2 / SmolLM family). Vocabulary: the 256
byte symbols of GPT-2's byte-to-unicode table (ids 0-255, so any UTF-8 text encodes), then
one token per merge (ids 256-...), then two special added tokens. The post-processor
prepends <|begin_of_text|>, as Llama 3's does.

tokenizer-sentencepiece/: SentencePiece-style BPE with byte fallback (the Llama 2 / Gemma
family): spaces become "▁" and one is prepended (normalizer), no pre-tokenizer, characters
outside the vocabulary fall back to <0xNN> byte tokens; <unk> 0, <s> 1, </s> 2, the bytes
3-258, then single characters and merges. The post-processor prepends <s>.

The expected encodings in the tests follow from the merges by hand (BPE applies the
lowest-ranked merge first).
"""
import json
import os
import sys


def bytes_to_unicode():
    """GPT-2's table: printable bytes map to themselves, the others to U+0100 onwards."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    table = {}
    extra = 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


MERGES = [
    ("h", "e"),
    ("l", "l"),
    ("he", "ll"),
    ("hell", "o"),
    ("Ġ", "w"),
    ("o", "r"),
    ("Ġw", "or"),
    ("Ġwor", "l"),
    ("Ġworl", "d"),
    ("Ġ", "t"),
    ("Ġt", "i"),
    ("e", "d"),
]


def special(id_, content):
    return {
        "id": id_, "content": content, "single_word": False, "lstrip": False,
        "rstrip": False, "normalized": False, "special": True,
    }


def write(out, tokenizer, config):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


SENTENCEPIECE_CHARS = ["▁", "h", "e", "l", "o", "w", "r", "d"]
SENTENCEPIECE_MERGES = [
    ("▁", "h"),
    ("l", "l"),
    ("▁h", "e"),
    ("▁he", "ll"),
    ("▁hell", "o"),
    ("▁", "w"),
    ("o", "r"),
    ("▁w", "or"),
    ("▁wor", "l"),
    ("▁worl", "d"),
]


def sentencepiece():
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for c in SENTENCEPIECE_CHARS:
        vocab[c] = len(vocab)
    for left, right in SENTENCEPIECE_MERGES:
        vocab[left + right] = len(vocab)
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(0, "<unk>"), special(1, "<s>"), special(2, "</s>")],
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "Prepend", "prepend": "▁"},
                {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
            ],
        },
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "<s>", "type_id": 1}},
                {"Sequence": {"id": "B", "type_id": 1}},
            ],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}},
        },
        "decoder": {
            "type": "Sequence",
            "decoders": [
                {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                {"type": "ByteFallback"},
                {"type": "Fuse"},
                {"type": "Strip", "content": " ", "start": 1, "stop": 0},
            ],
        },
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": "<unk>",
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": True,
            "byte_fallback": True,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [[left, right] for left, right in SENTENCEPIECE_MERGES],
        },
    }
    config = {
        "tokenizer_class": "LlamaTokenizerFast",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "add_bos_token": True,
        "add_eos_token": False,
        "clean_up_tokenization_spaces": False,
        "legacy": False,
    }
    return tokenizer, config


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures"
    write(os.path.join(root, "tokenizer-sentencepiece"), *sentencepiece())
    out = os.path.join(root, "tokenizer")
    table = bytes_to_unicode()
    vocab = {table[b]: b for b in range(256)}
    for left, right in MERGES:
        vocab[left + right] = len(vocab)
    bos = len(vocab)
    eos = bos + 1
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(bos, "<|begin_of_text|>"), special(eos, "<|end_of_text|>")],
        "normalizer": None,
        "pre_tokenizer": {
            "type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True,
        },
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 1}},
            ],
            "special_tokens": {
                "<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [bos],
                                      "tokens": ["<|begin_of_text|>"]},
            },
        },
        "decoder": {
            "type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True,
        },
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [[left, right] for left, right in MERGES],
        },
    }
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<|begin_of_text|>",
        "eos_token": "<|end_of_text|>",
        "clean_up_tokenization_spaces": False,
        "model_max_length": 2048,
    }
    write(out, tokenizer, config)


if __name__ == "__main__":
    main()
