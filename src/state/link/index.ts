// Share links, as the page and its tests see them. A link is opened by the link slice's openLink (a store action,
// like writeLink and startUrlSync); what it carries is the table in fields.ts.
export { encodeFragment, LinkTooLongError, MAX_FRAGMENT_CHARS, MAX_STATE_BYTES } from './codec';
export { decodeState, encodeState, GENERATION_DEFAULTS, MAX_SHARED_POINTS, MAX_SHARED_PROFILES, SHARED, sharedInitial, type Decoded, type GenerationSettings, type SharedState } from './fields';
