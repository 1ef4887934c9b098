// The page state's type. Every slice adds its own interface to it, in a `declare module` block next to that
// interface, so this module imports no slice (and no slice imports the store): a slice is made from the store's
// `set` and `get` (zustand's StateCreator), typed with the whole state.
import type { StateCreator } from 'zustand';

/** Every slice's fields and actions together (each slice's file extends it). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PageState {}

/** A slice: its fields with a fresh page's values, and its actions, made from the store's set and get. */
export type SliceCreator<T> = StateCreator<PageState, [], [], T>;
