// Worker RPC: one module worker and its outstanding requests, matched to replies by id. A worker that fails hard
// is terminated and never reused; its pending requests fail with the reason.
import type { Manifest } from '../catalog/manifest';
import { classify } from './failures';
import { isProgress, isReply, type ProgressOf, type Reply, type ReplyOf, type RequestBody, type RequestType } from './protocol';
import { EngineError, type EngineFailure } from './types';

type Pending = { resolve: (r: Reply) => void; reject: (e: EngineError) => void; progress?: (r: Reply) => void };

export class ModelWorker {
  private worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  private pending = new Map<number, Pending>();
  private nextId = 1;
  dead: EngineFailure | undefined;
  step: Promise<void> | undefined; // the step graph's session (decoding.ts), once asked for

  constructor(private onDeath: (f: EngineFailure) => void) {
    this.worker.onmessage = (ev) => {
      const reply = ev.data;
      if (!isReply(reply)) return;
      if (reply.type === 'error' && reply.id === -1) return this.kill(reply.failure);
      const p = this.pending.get(reply.id);
      if (!p) return;
      if (isProgress(reply)) return p.progress?.(reply);
      this.pending.delete(reply.id);
      if (reply.type === 'error') p.reject(new EngineError(reply.failure.kind, reply.failure.message));
      else p.resolve(reply);
    };
    // A worker that dies (e.g. the WASM heap could not grow) reports here, not through a reply.
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      this.kill(classify(ev.message || 'The model worker crashed'));
    };
  }

  /**
   * Sends a request and resolves with its reply, typed by the protocol table from the request's type. `onProgress`
   * gets the progress the request streams before its reply (a generation's bytes); `onId` the request's id.
   */
  call<T extends RequestType>(
    body: RequestBody<T>,
    transfer: Transferable[] = [],
    onProgress?: (p: ProgressOf<T>) => void,
    onId?: (id: number) => void,
  ): Promise<ReplyOf<T>> {
    if (this.dead) return Promise.reject(new EngineError(this.dead.kind, this.dead.message));
    const id = this.nextId++;
    onId?.(id);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: Reply) => void, reject, progress: onProgress as ((r: Reply) => void) | undefined });
      this.worker.postMessage({ ...body, id }, transfer);
    });
  }

  /** A request answered through another one (a stop, by the generation it ends). */
  send<T extends RequestType>(body: RequestBody<T>): void {
    if (!this.dead) this.worker.postMessage({ ...body, id: this.nextId++ });
  }

  kill(failure: EngineFailure): void {
    if (this.dead) return;
    this.dead = failure;
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new EngineError(failure.kind, failure.message));
    this.pending.clear();
    this.onDeath(failure);
  }
}

/** A graph's real input/output names must be the manifest's: else the worker is killed and the load fails. */
export function checkGraphNames(
  worker: ModelWorker,
  id: string,
  spec: Pick<Manifest['graph'], 'inputs' | 'outputs' | 'file'>,
  got: { inputNames: string[]; outputNames: string[] },
): void {
  const want = { inputs: spec.inputs.map((t) => t.name), outputs: spec.outputs.map((t) => t.name) };
  if (want.inputs.join() !== got.inputNames.join() || want.outputs.join() !== got.outputNames.join()) {
    worker.kill({ kind: 'invalid-model', message: 'manifest mismatch' });
    throw new EngineError(
      'invalid-model',
      `${id}: the manifest does not match the graph ${spec.file}. Manifest inputs [${want.inputs}] outputs [${want.outputs}]; graph inputs [${got.inputNames}] outputs [${got.outputNames}].`,
    );
  }
}
