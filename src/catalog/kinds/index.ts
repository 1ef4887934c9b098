// The attention kinds: the one list of them. A manifest's config.attention is one of their schemas, and everything
// outside this folder asks a model's kind (kindOf) instead of switching on its name. A new kind: its file here (a
// `schema` and a `kind`, see ./types.ts), and its import and entry below.
import { z } from 'zod';
import * as blockwise from './blockwise';
import * as full from './full';
import * as latents from './latents';
import * as linear from './linear';
import * as segments from './segments';
import * as sparseFixed from './sparse-fixed';
import * as window from './window';
import type { AttentionKind } from './types';

const FILES = [full, blockwise, window, sparseFixed, linear, latents, segments] as const;

type Schemas<T> = { -readonly [I in keyof T]: T[I] extends { schema: infer S } ? S : never };
/** How a family's attention mixes positions, with its parameters (models/configs.py writes it). */
export const AttentionSchema = z.discriminatedUnion('kind', FILES.map((f) => f.schema) as unknown as Schemas<typeof FILES>);
export type Attention = z.infer<typeof AttentionSchema>;

const KINDS = Object.fromEntries(FILES.map((f) => [f.schema.shape.kind.value, f.kind])) as unknown as {
  [K in Attention['kind']]: AttentionKind<Extract<Attention, { kind: K }>>;
};

/** What a descriptor's kind is and does. */
export const kindOf = (a: Attention) => KINDS[a.kind] as AttentionKind<Attention>;
export const KIND_NAMES = Object.keys(KINDS) as Attention['kind'][];
