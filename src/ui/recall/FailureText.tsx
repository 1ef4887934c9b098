import type { FailureKind } from '../../engine';
import { failureLines } from '../failureText';

/** A failure's message: its first line in words; what the runtime said, when it says more, folded away as a detail. */
export function FailureText({ message, kind }: { message: string; kind?: FailureKind }) {
  const { headline, detail } = failureLines(message, kind);
  return (
    <>
      {headline}
      {detail && (
        <details className="detail">
          <summary>details</summary>
          {detail}
        </details>
      )}
    </>
  );
}

export const firstLine = (message: string) => failureLines(message).headline;
