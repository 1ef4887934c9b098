import type { FailureKind } from '../engine';
import { failureText } from './failureText';

/** A failure in plain words; the runtime's own text, if any, in a details line under it. */
export function FailureMessage({ message, kind, testId, prefix = '', suffix = '' }: { message: string; kind?: FailureKind; testId?: string; prefix?: string; suffix?: string }) {
  const { headline, detail } = failureText(message, kind);
  return (
    <>
      <p className="error" role="alert" data-testid={testId}>
        {prefix}
        {headline}
        {suffix}
      </p>
      {detail && (
        <details className="raw small muted" data-testid={testId && `${testId}-detail`}>
          <summary>the runtime's own message</summary>
          <code>{detail}</code>
        </details>
      )}
    </>
  );
}
