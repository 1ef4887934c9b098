// Share links: the page's one entry to them (main.tsx, the UI, tests). A link is opened through the link slice's
// openLink (store action); what it carries is the table in fields.ts.
export { encodeFragment, LinkTooLongError, MAX_FRAGMENT_CHARS, MAX_STATE_BYTES } from './codec';
export { decodeState, encodeState, GENERATION_DEFAULTS, MAX_SHARED_POINTS, MAX_SHARED_PROFILES, SHARED, sharedInitial, type Decoded, type GenerationSettings, type SharedState } from './fields';
export { MAX_FILE_POINTS, MAX_PROFILE_OPS, type ProfileResult } from './points';
export { cancelUrlSync, currentFragment, sharedState, startUrlSync, writeLink } from './sync';
