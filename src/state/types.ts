// The page state's type: every slice together. A slice imports it as a type only (erased when compiled): it is made
// from the store's `set` and `get` (zustand's StateCreator), never from the store itself.
import type { StateCreator } from 'zustand';
import type { ForeignSlice } from './foreign';
import type { GenerationSlice } from './generation';
import type { InputSlice } from './input';
import type { PageSlice } from './page';
import type { ProfilingSlice } from './profiling';
import type { RunsSlice } from './runs';
import type { SharedSlice } from './shared';
import type { SharingSlice } from './sharing';
import type { SweepSlice } from './sweep';
import type { UserModelsSlice } from './userModels';
import type { HubSlice } from './hub';

/** Every slice but the shared one (whose type is derived from shared.ts's table, which uses this one). */
export type LocalState = PageSlice & InputSlice & RunsSlice & SweepSlice & ForeignSlice & SharingSlice & UserModelsSlice & ProfilingSlice & GenerationSlice & HubSlice;
export type PageState = SharedSlice & LocalState;

/** A slice: its fields with a fresh page's values, and its actions, made from the store's set and get. */
export type SliceCreator<T> = StateCreator<PageState, [], [], T>;
