// What the page derives from its state, for components and actions alike: pure functions of the state.
import type { Manifest } from '../catalog/manifest';
import { decodingLimit, hasCachedDecoding } from '../engine';
import type { PageState } from './types';

/** The shortest N the page offers: the slider's start and a sweep's first point. */
export const MIN_CONTEXT = 256;

export const selectedManifests = (s: PageState) =>
  s.selected.map((id) => s.manifests.find((m) => m.id === id)).filter((m): m is Manifest => !!m);
export const maxSelectedContext = (s: PageState) => Math.max(MIN_CONTEXT, ...selectedManifests(s).map((m) => m.config.maxContext));
/** The slider's end: the longest one-shot forward, or the longest cached decoding (Continue) when that goes further. */
export const maxSliderContext = (s: PageState) => Math.max(maxSelectedContext(s), ...selectedManifests(s).filter(hasCachedDecoding).map(decodingLimit));
