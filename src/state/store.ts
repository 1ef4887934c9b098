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
// A new slice is a new file exporting its state type and `xInitial`, listed below. Slices import this module and
// this module imports their initial state, so `xInitial` must be a function declaration (hoisted) and a slice may
// touch the store only inside functions, never while its module is being evaluated.
import { create } from 'zustand';
import { foreignInitial, type ForeignSlice } from './foreign';
import { generationInitial, type GenerationSlice } from './generation';
import { inputInitial, type InputSlice } from './input';
import { pageInitial, type PageSlice } from './page';
import { profilingInitial, type ProfilingSlice } from './profiling';
import { resetRuns, runsInitial, type RunsSlice } from './runs';
import { sharedInitial, type SharedSlice } from './shared';
import { sharingInitial, type SharingSlice } from './sharing';
import { sweepInitial, type SweepSlice } from './sweep';
import { userModelsInitial, type UserModelsSlice } from './userModels';

/** Every slice but the shared one (whose type is derived from shared.ts's table, which uses this one). */
export type LocalState = PageSlice & InputSlice & RunsSlice & SweepSlice & ForeignSlice & SharingSlice & UserModelsSlice & ProfilingSlice & GenerationSlice;
export type PageState = SharedSlice & LocalState;

const initialState = (): PageState => ({
  ...sharedInitial(),
  ...pageInitial(),
  ...inputInitial(),
  ...runsInitial(),
  ...sweepInitial(),
  ...foreignInitial(),
  ...sharingInitial(),
  ...profilingInitial(),
  ...userModelsInitial(),
  ...generationInitial(),
});

export const useStore = create<PageState>()(initialState);
/** For the slices' actions: change and read the store outside React. */
export const { setState: set, getState: get } = useStore;

/** Back to a fresh page (tests). */
export function resetStore() {
  resetRuns();
  useStore.setState(initialState(), true);
}
