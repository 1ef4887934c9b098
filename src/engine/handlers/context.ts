// What a model worker holds between requests (one worker per loaded model, so one of each), and the types its
// handlers share. Handlers (one module per capability, as on the client's side) read and set it.
import type { Manifest } from '../../catalog/manifest';
import type { RunFn } from '../graphRunner';
import type { createSession, Session } from '../ort';
import type { ProgressOf, Reply, ReplyBody, RequestOf, RequestType } from '../protocol';
import type { BackendName } from '../types';
import { EngineError } from '../types';
import { adaptFeeds } from '../userModel';
import { hubForward } from '../hub';

export const held: {
  session?: Session; // the forward graph's
  manifest?: Manifest;
  backend: BackendName;
  sessionOpts?: Parameters<typeof createSession>[2];
  weights?: Uint8Array; // the forward graph's bytes: the step and analysis graphs read their weights from them
  stepSession?: Session;
  stepGraph?: Uint8Array; // the step graph's bytes: a captured session of it is made per generation (capturedStep.ts)
  analysis?: { sha256: string; session: Session }; // attention.onnx, opened on first use
} = { backend: 'wasm' };

export const post = (reply: Reply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

/** How a model's forward runs on its session: a person's graph under its own feed names, a Hub decoder's (hub.ts). */
export function forwardOf(s: Session, m: Manifest): RunFn {
  if (m.hub) return hubForward(s, m.hub.layout);
  const names = m.userModel?.feeds;
  return names ? async (feeds) => ({ logits: (await s.run(adaptFeeds(feeds, names)))[names.logits] }) : (feeds) => s.run(feeds);
}

/** The loaded model's session and manifest, and how to run its forward. */
export function loaded(): { session: Session; manifest: Manifest; run: RunFn } {
  const { session: s, manifest: m } = held;
  if (!s || !m) throw new EngineError('invalid-model', 'No model is loaded in this worker');
  return { session: s, manifest: m, run: forwardOf(s, m) };
}

/** What a handler may add to its reply: buffers to transfer with it, progress before it. */
export interface Out<T extends RequestType> {
  transfer: Transferable[];
  progress(p: Omit<ProgressOf<T>, 'id'>): void;
}
/** A request's handler: its reply's body (the worker adds the id), or nothing for a request without a reply. */
export type Handler<T extends RequestType> = (req: RequestOf<T>, out: Out<T>) => Promise<[ReplyBody<T>] extends [never] ? void : ReplyBody<T>>;
export type Handlers<K extends RequestType> = { [T in K]: Handler<T> };

// Requests that loop in the worker (a generation, a recall run) and were asked to stop (the `stop` request).
export const stops = new Set<number>();
// A macrotask turn without setTimeout's clamping: lets a stop message in between two bytes (or probes).
const turn = new MessageChannel();
export const pause = () => new Promise<void>((resolve) => ((turn.port1.onmessage = () => resolve()), turn.port2.postMessage(null)));

export const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};
