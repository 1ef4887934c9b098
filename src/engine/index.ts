// The engine's public API: what the page (src/state, src/ui, main.tsx) may use. Everything else under src/engine is
// the engine's own business.
export * from './types';
export { createEngine } from './client';
export { defaultWasmThreads, isolation, type Isolation } from './isolation';
export { fetchTrainingLog } from './models';
export { median, quantile } from './stats';
export { stateBytes } from './stepRunner';
export { uncapturable } from './capturedStep';
export { recallPlan } from './recall';
export { decode, encode, looksBinary, showByte } from './tokenizer';
export { looksLikeOnnx, MAX_USER_MODEL_BYTES, recognise, USER_PREFIX, type GraphIO, type Recognised, type UserAnswers } from './userModel';
export { deleteUserModel, loadUserModels, manifestOfRecord, saveUserModel, type UserModelRecord } from './userModelCache';
// facts of a model the page shows next to the engine's results (src/catalog: what models are, asked of their kind)
export { decodingLimit, defaultRefill, hasCachedDecoding } from '../catalog/facts';
export { estimateOf } from '../catalog/costModel';
