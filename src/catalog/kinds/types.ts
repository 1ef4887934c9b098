// What an attention kind is, for everything outside its file: its part of the manifest (config.attention), its
// words, its cost, how its graphs are driven (the forward over a window, the step graph's state) and the facts that
// follow from it. One file per kind (./<kind>.ts), listed once in ./index.ts. Pure: the engine passes in how to run a
// graph (RunFn) and its step machinery (StepIO); nothing here imports the engine.

/** A graph input. Token ids and counts are int64 (a decoder step's position int32), states float32. */
export interface Feed {
  dtype: 'int64' | 'int32' | 'float32';
  data: BigInt64Array | Int32Array | Float32Array;
  dims: number[];
}
export type RunFn = (feeds: Record<string, Feed>) => Promise<Record<string, { data: Float32Array; dims: readonly number[] }>>;

/**
 * How the forward graph is driven, named as the manifest's `io` was:
 *   full      tokens[1,N] -> logits[1,N,V] (every position)
 *   latents   tokens[1,N], num_latents[] -> logits[1,M,V] for the last M positions
 *   segments  tokens[1,S], mems[L,1,mem,d], mem_valid[] -> logits[1,S,V], new_mems; segment by segment
 */
export type Io = 'full' | 'latents' | 'segments';

/** What the forward and cost need of a model's config besides its attention. */
export interface Dims {
  vocabSize: number;
  dModel: number;
  nHeads: number;
  nLayers: number;
  dFf: number;
}

/** Logits for the positions the forward covers: rows x V, row r at window offset start + r (it predicts the byte after). */
export interface WindowLogits {
  logits: Float32Array;
  rows: number;
  start: number;
}

export interface ForwardInput {
  run: RunFn;
  dims: Dims;
  window: ArrayLike<number>;
  numLatents?: number; // asked for (a kind with latents)
  memoryLength?: number; // Transformer-XL: a longer memory than trained (the evaluation, as the XL paper does)
}

/** Per layer shape for the cost model; mlpMacs: multiply-adds of the MLP per position. */
export interface Shape {
  d: number;
  H: number;
  L: number;
  ff: number;
  mlpMacs: number;
}

/** What one kind of attention costs over n positions, besides the embedding and the output layer (costModel.ts adds them). */
export interface AttentionCost {
  flops: number; // every layer: projections, attention, MLP
  scoreTensor: number; // bytes of the largest score-like tensor
  attentionBytes: number; // score-like tensors alive at once
  activationsBytes: number;
  cacheBytes?: number; // state carried between steps (Transformer-XL's memories)
  logitsRows: number; // rows of logits one graph run returns
  predictedRows?: number; // rows the output layer computes over the whole window (default logitsRows)
}

/** Cached decoding's cost per decoded byte (the bench's floor): FLOPs, and the state bytes the step must read. */
export interface DecodeCost {
  flops: number;
  readBytes: number;
}

/** Logits for `rows` consecutive positions from `start`: row r (V values) predicts the byte after start + r. */
export interface StepLogits {
  logits: Float32Array;
  rows: number;
  start: number;
}

/** Where one step call's rows go in the state, per kind of row axis (the manifest's symbolic dims). */
export interface RowsAt {
  capacity?: number; // positions
  latentCapacity?: number; // latents
  fixed?: number; // a fixed-size axis (Transformer-XL's [memory; segment])
}

/** Rows of logits collected over several calls: all of them, or only the last. */
export interface Collector {
  add(data: Float32Array, rows: number): void;
  done(): StepLogits;
}

/** The engine's step machinery, as a kind's decoder uses it (src/engine/stepRunner.ts implements it). */
export interface StepIO {
  vocabSize: number;
  chunk: number; // most bytes per call
  /** One step call with the state fed; the call's new rows are written where `at` says. Returns its logits. */
  call(feeds: Record<string, Feed>, at: RowsAt): Promise<Float32Array>;
  /** The most query rows (Perceiver AR: latents) one call may score against `keys` keys, all heads within the
   * engine's per-call budget of score elements (stepRunner.ts MAX_STEP_SCORES). */
  scoreRows(keys: number): number;
  /** Moves rows [from, from + count) to `to` along every state's row axis (Transformer-XL's memory shift). */
  moveRows(from: number, to: number, count: number): void;
  collector(keep: 'last' | 'all', rows: number, start: number): Collector;
}

/** What the caller asked of cached decoding, and what the manifest's step graph allows. */
export interface StepAsk {
  capacity: number; // positions the state should hold
  numLatents?: number;
  refillTo?: number;
  refillMargin: number; // step.refill.margin (0 when absent)
  lookback: number; // step.lookback (0 when absent): bytes a call needs before its first (input prev_tokens)
}

/** A kind's decoding state, decided before the state is allocated. */
export interface StepPlan {
  capacity: number; // positions the state holds
  /** false: the state has a fixed size and any number of bytes decode (capacity is not the caller's) */
  bounded: boolean;
  numLatents?: number;
  refillTo?: number;
  problem?: string; // why these settings cannot run (a bad-input failure)
}

/** A kind's cached decoding over the state the engine allocated for its plan. */
export interface StepDriver {
  append(bytes: ArrayLike<number>, keep: 'last' | 'all'): Promise<StepLogits>;
  readonly latents: number; // latents cached now (0 for kinds without)
  readonly refills: number;
}

/** Everything a kind is. A: its descriptor (config.attention with this kind). */
export interface AttentionKind<A extends { kind: string }> {
  /** How its graphs are driven; the manifest's `io` follows from it. */
  io: Io;
  /** In words, for the model details and the charts' legend. */
  describe(a: A): string;
  /** Cost over n positions (numLatents: asked for, for a kind with latents). */
  cost(a: A, s: Shape, n: number, numLatents?: number): AttentionCost;
  /** The forward over a window. */
  forward(a: A, f: ForwardInput): Promise<WindowLogits>;
  /** Cached decoding: the state's size, then the decoder over it. */
  plan(a: A, ask: StepAsk): StepPlan;
  decoder(a: A, io: StepIO, plan: StepPlan, ask: StepAsk): StepDriver;
  /** Latents chosen at run time (Perceiver AR): the trained M, the latent cache's M, and M at N (the rule). */
  latents?: { trained(a: A): number; cache(a: A, asked?: number): number; atN(a: A, n: number, asked?: number): number };
  /** true: the decoding state has a fixed size, so cached decoding has no limit in positions. */
  fixedState?: boolean;
  /** Cached decoding per byte at n (the last step reading n positions; a kind with latents: amortised over a refill
   * period of its cache of M latents refilled to F). V: the output layer's width. Absent: no analytic floor. */
  decodeCost?(a: A, s: Shape & { V: number }, n: number, latents?: { M: number; F: number }): DecodeCost;
  /** What to try when a forward does not fit the device (default: a family whose memory grows linearly with N). */
  tryInstead?: string;
  /** Why its one-byte decoding step cannot be replayed from a captured WebGPU graph (src/engine/capturedStep.ts),
   * when it cannot; absent: it can. */
  uncaptured?: string;
}
