import { useState } from 'react';
import { useStore } from '../state/store';
import { bytesLabel } from './format';

/** Model files kept by the Cache API: listed when opened, deletable one by one or all at once. */
export function CachePanel() {
  const { clearCache, deleteCached, listCache } = useStore.getState();
  const [entries, setEntries] = useState<{ url: string; bytes: number }[] | null>(null);
  const [error, setError] = useState('');
  const act = async (f?: () => Promise<void>) => {
    try {
      await f?.();
      setEntries(await listCache());
      setError('');
    } catch (e) {
      setError(`The cache could not be read: ${(e as Error).message}`);
    }
  };
  const total = entries?.reduce((a, e) => a + e.bytes, 0) ?? 0;
  return (
    <details className="panel cache" data-testid="cache-panel" onToggle={(e) => (e.currentTarget.open ? act() : undefined)}>
      <summary>Cached models</summary>
      {error && <p className="error small" role="alert">{error}</p>}
      {entries?.length === 0 && <p className="small muted">Nothing cached.</p>}
      <ul className="small">
        {entries?.map((e) => {
          const id = /models\/([^/]+)\//.exec(e.url)?.[1] ?? e.url;
          return (
            <li key={e.url} data-testid={`cached-${id}`}>
              {id} — {bytesLabel(e.bytes)} <button onClick={() => act(() => deleteCached(id))}>delete</button>
            </li>
          );
        })}
      </ul>
      <div className="row small">
        <button onClick={() => act()}>Refresh</button>
        {!!entries?.length && (
          <>
            <button onClick={() => act(clearCache)} data-testid="cache-clear">Delete all</button>
            <span className="muted">{bytesLabel(total)} in all</span>
          </>
        )}
      </div>
    </details>
  );
}
