import type { ReactNode } from 'react';

/** Method notes one click away: a small toggle beside a panel's title, its notes under it when opened. */
export function Info({ children, testId, label = 'How this works' }: { children: ReactNode; testId?: string; label?: string }) {
  return (
    <details className="info" data-testid={testId}>
      <summary title={label} aria-label={label}>
        <span className="i-mark">i</span>
      </summary>
      <div className="info-body small muted">{children}</div>
    </details>
  );
}
