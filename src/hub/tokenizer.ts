// A Hub model's tokenizer: tokenizer.json (and tokenizer_config.json) read by @huggingface/tokenizers, the library
// transformers.js itself uses. Text becomes token ids for the model; the page shows bytes and tokens side by side.
import { Tokenizer } from '@huggingface/tokenizers';
import { refusal, type Refusal } from './layout';

export interface HubTokenizer {
  encode(text: string): number[]; // no special tokens added: the page measures the text as given
  decode(ids: ArrayLike<number>): string;
  /** The text of one token as it reads in the sequence (for per-token views). */
  piece(id: number): string;
  vocabSize: number; // ids the tokenizer can produce (its vocabulary and added tokens)
  eosId?: number;
  bosId?: number;
}

const PROBE = 'Hello, world! 123 tokens.';

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
  return {
    encode: (text) => t.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => t.decode(Array.from(ids), { skip_special_tokens: false }),
    piece: (id) => t.decode([id], { skip_special_tokens: false }),
    vocabSize: Math.max(0, ...vocab.values()) + 1,
    eosId: idOf('eos_token'),
    bosId: idOf('bos_token'),
  };
}
