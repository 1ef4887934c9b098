import { useState } from 'react';
import { useStore } from '../state/store';
import { bytesLabel } from './format';

export function CachePanel() {
  const engine = useStore((s) => s.engine);
  const [entries, setEntries] = useState<{ url: string; bytes: number }[] | null>(null);
  const refresh = async () => setEntries((await engine?.cache.list()) ?? []);
  return (
    <details className="panel cache" onToggle={(e) => (e.currentTarget.open ? refresh() : undefined)}>
      <summary>Cached models</summary>
      {entries?.length === 0 && <p className="small muted">Nothing cached.</p>}
      <ul className="small">
        {entries?.map((e) => {
          const id = /models\/([^/]+)\//.exec(e.url)?.[1] ?? e.url;
          return (
            <li key={e.url}>
              {id} — {bytesLabel(e.bytes)}{' '}
              <button onClick={async () => (await engine?.cache.delete(id), refresh())}>delete</button>
            </li>
          );
        })}
      </ul>
      {!!entries?.length && <button onClick={async () => (await engine?.cache.clear(), refresh())}>Delete all</button>}
    </details>
  );
}
