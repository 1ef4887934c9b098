// The page state's type: every slice together. A slice imports it as a type only (erased when compiled): it is made
// from the store's `set` and `get` (zustand's StateCreator), never from the store itself.
import type { StateCreator } from 'zustand';
import type { ForeignSlice } from './foreign';
import type { GenerationSlice } from './generation';
import type { InputSlice } from './input';
import type { SharedSlice } from './link/fields';
import type { LinkSlice } from './link/slice';
import type { LookupsSlice } from './lookups';
import type { PageSlice } from './page';
import type { ProfilingSlice } from './profiling';
import type { RunsSlice } from './runs';
import type { SweepSlice } from './sweep';
import type { UserModelsSlice } from './userModels';

/** Every slice but the link's fields (whose type is derived from link/fields.ts's table, which uses this one). */
export type LocalState = PageSlice & InputSlice & RunsSlice & SweepSlice & ForeignSlice & LinkSlice & UserModelsSlice & ProfilingSlice & GenerationSlice & LookupsSlice;
export type PageState = SharedSlice & LocalState;

/** A slice: its fields with a fresh page's values, and its actions, made from the store's set and get. */
export type SliceCreator<T> = StateCreator<PageState, [], [], T>;
