// The attention kinds: the one list of them is ./all.ts. A manifest's config.attention is one of their schemas, and
// everything outside this folder asks a model's kind (kindOf) instead of switching on its name. A new kind: its file
// here (a `schema` and a `kind`, see ./types.ts) and its line in ./all.ts.
import { z } from 'zod';
import * as ALL from './all';
import type { AttentionKind } from './types';

type File = (typeof ALL)[keyof typeof ALL];
const FILES: File[] = Object.values(ALL);

type Schema = File['schema'];
/** How a family's attention mixes positions, with its parameters (models/configs.py writes it). */
export const AttentionSchema = z.discriminatedUnion('kind', FILES.map((f) => f.schema) as [Schema, ...Schema[]]);
export type Attention = z.infer<typeof AttentionSchema>;

const KINDS = Object.fromEntries(FILES.map((f) => [f.schema.shape.kind.value, f.kind])) as unknown as {
  [K in Attention['kind']]: AttentionKind<Extract<Attention, { kind: K }>>;
};

/** What a descriptor's kind is and does. */
export const kindOf = (a: Attention) => KINDS[a.kind] as AttentionKind<Attention>;
export const KIND_NAMES = Object.keys(KINDS) as Attention['kind'][];
