// One module worker per loaded model: owns its onnxruntime-web sessions and answers protocol requests, each through
// the handler of its capability (./handlers, mirroring the client's modules). A handler returns its reply's body;
// what it throws is answered as an `error` reply.
import { installMeters } from './memory';
import { classify } from './failures';
import { isRequest, type RequestType } from './protocol';
import { post, type Handler, type Handlers } from './handlers/context';
import { session } from './handlers/session';
import { predict } from './handlers/predict';
import { measure } from './handlers/measure';
import { profile } from './handlers/profile';
import { generate } from './handlers/generate';
import { attention } from './handlers/attention';
import { recall } from './handlers/recall';

installMeters(); // before any session: ORT's device and WASM memory are created later

const HANDLERS: Handlers<RequestType> = { ...session, ...predict, ...measure, ...profile, ...generate, ...attention, ...recall };

self.onmessage = (ev: MessageEvent) => {
  const req = ev.data;
  if (!isRequest(req)) return;
  const out = { transfer: [] as Transferable[], progress: (p: object) => post({ ...p, id: req.id } as never) };
  (HANDLERS[req.type] as Handler<RequestType>)(req as never, out)
    .then((body) => body && post({ ...body, id: req.id }, out.transfer))
    .catch((err) => post({ type: 'error', id: req.id, failure: classify(err) }));
};
