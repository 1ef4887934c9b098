// The engine's public API: what the page (src/state, src/ui, main.tsx) may use. Everything else under src/engine is
// the engine's own business.
export * from './types';
export { createEngine } from './client';
export { decodingLimit, hasCachedDecoding } from './decoding';
export { defaultWasmThreads, isolation, type Isolation } from './isolation';
export { estimateOf } from './measure';
export { fetchTrainingLog } from './models';
export { CATEGORIES, type Category } from './profile';
export { median, quantile } from './stats';
export { defaultRefill } from './stepRunner';
export { decode, encode, looksBinary, showByte } from './tokenizer';
export { looksLikeOnnx, MAX_USER_MODEL_BYTES, recognise, USER_PREFIX, type GraphIO, type Recognised, type UserAnswers } from './userModel';
export { deleteUserModel, loadUserModels, manifestOfRecord, saveUserModel, type UserModelRecord } from './userModelCache';
