// A failure as a person reads it: one plain headline, and the runtime's own words (a C++ assertion, a build
// machine's path) kept for a details line, never as the message.
import type { FailureKind } from '../engine';

export interface FailureText {
  headline: string;
  detail?: string; // the raw text, when there is any
}

// What a runtime's text looks like: error codes, source paths, C++ scopes, JavaScript error names, stack frames.
const RAW = /ERROR_CODE|ERROR_MESSAGE|\.(cc|cpp|h|hpp|js|mjs|wasm)\b|::|\b(Range|Type|Reference|Runtime|Web[A-Za-z]*)Error\b|\bat \S+ \(|Aborted\(|\[[WE]:onnxruntime/;

const HEADLINE: Partial<Record<FailureKind, string>> = {
  'out-of-memory': 'Out of memory',
  'buffer-limit': 'A tensor is larger than the GPU allows in one buffer',
  'device-lost': 'The WebGPU device was lost',
  'invalid-model': 'The model file could not be loaded',
  unknown: 'The runtime failed',
};

/** Splits "lead: raw runtime text" into the lead and the raw part; a message without runtime text stays whole. */
export function failureText(message: string, kind?: FailureKind): FailureText {
  if (!RAW.test(message)) return { headline: message };
  const colon = message.indexOf(': ');
  const lead = colon > 0 ? message.slice(0, colon) : '';
  // a lead in words (not an error's name, "Error", "RangeError") is the engine's own sentence
  if (lead && !RAW.test(lead) && /\s/.test(lead.trim())) return { headline: `${lead}.`, detail: message.slice(colon + 2) };
  return { headline: `${(kind && HEADLINE[kind]) ?? HEADLINE.unknown}.`, detail: message };
}

/** A failure the engine wrote as "words\ndetail: runtime text" split at its first line; one line split as above. */
export function failureLines(message: string, kind?: FailureKind): FailureText {
  const [first, ...rest] = message.split('\n');
  return rest.length ? { headline: first, detail: rest.join('\n') } : failureText(message, kind);
}
