// The page state: one zustand store made of slices, one file per reason to change. UI components read slices and
// call the actions their files export.
//   shared.ts   what a share link carries (one table: link schema, store fields, read and apply)
//   page.ts     engine, bundled models, adapter, banner; the settings' setters; page start (init)
//   input.ts    the text, presets, files
//   runs.ts     predictions of the selected models at N
//   sweep.ts    measured points over N
//   foreign.ts  results measured elsewhere (links, imported files), checked and kept apart
//   profiling.ts per-operator profiles and the backend's MatMul peak
//   generation.ts  Continue: each model's generation, streamed
//   sharing.ts  links in and out
//   userModels.ts  a person's own ONNX models: opened, recognised, asked about, kept in this browser
//   hub.ts      decoders from the Hugging Face Hub: opened by repo id, URL or folder, a precision loaded, cached
// A new slice is a new file exporting its state type and `xInitial`, listed below. Slices import this module and
// this module imports their initial state, so `xInitial` must be a function declaration (hoisted) and a slice may
// touch the store only inside functions, never while its module is being evaluated.
import { create, type StateCreator } from 'zustand';
import { createForeignSlice } from './foreign';
import { createGenerationSlice } from './generation';
import { createInputSlice } from './input';
import { pageInitial } from './page';
import { createProfilingSlice } from './profiling';
import { createRunsSlice } from './runs';
import { sharedInitial } from './shared';
import { sharingInitial } from './sharing';
import { createSweepSlice } from './sweep';
import type { PageState } from './types';
import { createUserModelsSlice } from './userModels';
import { createHubSlice } from './hub';

export type { LocalState, PageState } from './types';

const createPageState: StateCreator<PageState> = (...a) => ({
  ...sharedInitial(),
  ...pageInitial(),
  ...createInputSlice(...a),
  ...createRunsSlice(...a),
  ...createSweepSlice(...a),
  ...createForeignSlice(...a),
  ...sharingInitial(),
  ...createProfilingSlice(...a),
  ...createUserModelsSlice(...a),
  ...createHubSlice(...a),
  ...createGenerationSlice(...a),
});

export const useStore = create<PageState>()(createPageState);
/** For the slices' actions: change and read the store outside React. */
export const { setState: set, getState: get } = useStore;

/** Back to a fresh page (tests). */
export function resetStore() {
  // the slices made again: fresh actions, with none of the old ones' runs in flight
  useStore.setState(createPageState(useStore.setState, useStore.getState, useStore), true);
}
