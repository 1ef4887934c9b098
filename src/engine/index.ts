// The engine's public API: what the page (src/state, src/ui, src/main.tsx) and the automation API may import. Every
// other module under src/engine is internal (workers, runners, onnxruntime-web); tests and Node scripts may reach
// into them, the page may not.
export { createEngine } from './client';
export * from './types';

// bytes <-> text, and what a model reads of an input
export { decode, encode, looksBinary, showByte } from './tokenizer';
// what a model allows: cached decoding's limit, a refill's default, the cost estimate drawn next to a measurement
export { decodingLimit } from './decoding';
export { defaultRefill } from './stepRunner';
export { estimateOf } from './measure';
// statistics and the seeded generator the page shares with the engine
export { median, quantile } from './stats';
export { seededRandom } from './sampling';
// threads and isolation
export { defaultWasmThreads, isolation } from './isolation';
// files next to a manifest
export { fetchTrainingLog } from './models';
// profiles: operator categories
export { CATEGORIES, type Category, type OpProfile } from './profile';
// a person's own model
export { looksLikeOnnx, MAX_USER_MODEL_BYTES, recognise, USER_PREFIX, type GraphIO, type Recognised, type UserAnswers } from './userModel';
export { deleteUserModel, loadUserModels, manifestOfRecord, saveUserModel, type UserModelRecord } from './userModelCache';
