// A Hub model's tokenizer: tokenizer.json (and tokenizer_config.json) read by @huggingface/tokenizers, the library
// transformers.js itself uses. Text becomes token ids for the model; the page shows bytes and tokens side by side.
import { Tokenizer } from '@huggingface/tokenizers';
import { refusal, type Refusal } from './layout';

export interface HubTokenizer {
  encode(text: string): number[]; // no special tokens added: the page measures the text as given
  decode(ids: ArrayLike<number>): string;
  /** The text of one token as it reads in the sequence (for per-token views). */
  piece(id: number): string;
  /** Each token's text and its length in UTF-8 bytes, in order: where each token sits in the text. Exact for
   * byte-level BPE (a token's characters are bytes); elsewhere the bytes of the token decoded alone. */
  spans(ids: ArrayLike<number>): { text: string[]; bytes: number[] };
  vocabSize: number; // ids the tokenizer can produce (its vocabulary and added tokens)
  eosId?: number;
  bosId?: number;
}

const PROBE = 'Hello, world! 123 tokens.';

/** GPT-2's byte <-> printable character map (byte-level BPE writes each byte as one of these characters). */
const UNBYTE: Map<string, number> = (() => {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  for (let b = 0, n = 0; b < 256; b++) if (!bs.includes(b)) (bs.push(b), cs.push(256 + n++));
  return new Map(bs.map((b, i) => [String.fromCharCode(cs[i]), b]));
})();
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** The tokenizer, or why the library cannot read it (its error as the detail). */
export function loadTokenizer(json: unknown, config: unknown, repo: string): HubTokenizer | Refusal {
  let t: Tokenizer;
  const fail = (why: string, detail?: string) =>
    refusal('tokenizer', `${repo}'s tokenizer.json cannot be read by the tokenizer library (@huggingface/tokenizers): ${why}. The model is not loaded.`, detail);
  try {
    t = new Tokenizer(json as object, (config ?? {}) as object);
  } catch (e) {
    return fail('it does not know this tokenizer', e instanceof Error ? e.message : String(e));
  }
  let vocab: Map<string, number>;
  try {
    vocab = t.get_vocab(true);
    const ids = t.encode(PROBE, { add_special_tokens: false }).ids;
    // an unknown model type can fall back to a reader that yields no ids: check what it gives
    if (!ids.length || ids.some((id) => !Number.isInteger(id))) return fail('it turns text into no token ids', `"${PROBE}" -> ${JSON.stringify(ids)}`);
  } catch (e) {
    return fail('it fails on a plain sentence', e instanceof Error ? e.message : String(e));
  }
  const idOf = (key: string) => {
    const v = (config as Record<string, unknown> | undefined)?.[key];
    const token = typeof v === 'string' ? v : typeof v === 'object' && v && 'content' in v ? String((v as { content: unknown }).content) : undefined;
    return token === undefined ? undefined : t.token_to_id(token);
  };
  const byteLevel = (json as { decoder?: { type?: string } }).decoder?.type === 'ByteLevel';
  const added = t.get_added_tokens_decoder();
  const spanOf = (id: number): [string, number] => {
    const token = byteLevel && !added.has(id) ? t.id_to_token(id) : undefined;
    if (token !== undefined && [...token].every((c) => UNBYTE.has(c))) {
      const bytes = Uint8Array.from([...token], (c) => UNBYTE.get(c)!);
      return [fromUtf8.decode(bytes), bytes.length];
    }
    const text = t.decode([id], { skip_special_tokens: false });
    return [text, utf8.encode(text).length];
  };
  return {
    spans(ids) {
      const text: string[] = [];
      const bytes: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        const [s, n] = spanOf(ids[i]);
        text.push(s);
        bytes.push(n);
      }
      return { text, bytes };
    },
    encode: (text) => t.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => t.decode(Array.from(ids), { skip_special_tokens: false }),
    piece: (id) => t.decode([id], { skip_special_tokens: false }),
    vocabSize: Math.max(0, ...vocab.values()) + 1,
    eosId: idOf('eos_token'),
    bosId: idOf('bos_token'),
  };
}
