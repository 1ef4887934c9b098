// Every attention kind, one line each: a new kind is its file and its line here (./index.ts derives the rest). A
// list and not a glob because the Node scripts and tests (tsx, vitest) load this too, where Vite's glob import is
// not available.
export * as full from './full';
export * as blockwise from './blockwise';
export * as window from './window';
export * as sparseFixed from './sparse-fixed';
export * as linear from './linear';
export * as latents from './latents';
export * as segments from './segments';
export * as based from './based';
