// The page state: one zustand store made of slices, one file per reason to change (see README.md). Each slice is a
// creator that receives the store's set and get; none imports this module. Components read the state with
// useStore(selector) and call actions from useStore.getState().
import { create, type StateCreator } from 'zustand';
import { createForeignSlice } from './foreign';
import { createGenerationSlice } from './generation';
import { createInputSlice } from './input';
import { sharedInitial } from './link/fields';
import { createLinkSlice } from './link/slice';
import { createLookupsSlice } from './lookups';
import { createPageSlice } from './page';
import { createProfilingSlice } from './profiling';
import { createRecallSlice } from './recall';
import { createRunsSlice } from './runs';
import { createSweepSlice } from './sweep';
import type { PageState } from './types';
import { createUserModelsSlice } from './userModels';
import { createHubSlice } from './hub';

export type { PageState } from './types';

const createPageState: StateCreator<PageState> = (...a) => ({
  ...sharedInitial(),
  ...createPageSlice(...a),
  ...createInputSlice(...a),
  ...createRunsSlice(...a),
  ...createSweepSlice(...a),
  ...createForeignSlice(...a),
  ...createLinkSlice(...a),
  ...createProfilingSlice(...a),
  ...createUserModelsSlice(...a),
  ...createHubSlice(...a),
  ...createGenerationSlice(...a),
  ...createRecallSlice(...a),
  ...createLookupsSlice(...a),
});

export const useStore = create<PageState>()(createPageState);

/** Back to a fresh page (tests): the slices made again, so no action of the old ones has a run in flight. */
export function resetStore() {
  useStore.setState(createPageState(useStore.setState, useStore.getState, useStore), true);
}
