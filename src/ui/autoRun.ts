import { useEffect, useRef } from 'react';
import { useStore } from '../state/store';

/**
 * Results first: a page opened without a link runs the default comparison as soon as its models and input are there,
 * so the first screen shows measured results, not empty panels. A link restores its state and runs only if it says so.
 */
export function useAutoRun() {
  const fresh = useRef(typeof location !== 'undefined' && !/#s=/.test(location.hash));
  const done = useRef(false);
  const ready = useStore((s) => s.ready && s.selected.length > 0 && s.bytes.length > 0 && !!s.engine);
  useEffect(() => {
    if (!fresh.current || done.current || !ready) return;
    done.current = true;
    void useStore.getState().runPredictions();
  }, [ready]);
}
