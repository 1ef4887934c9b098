// Profiles in the page state: every selected model at the chosen N within its limit, failures kept apart, a link
// carries the profiles to another page.
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeState } from '../../src/state/link';
import { resetStore, useStore } from '../../src/state/store';
import { fakeEngine } from './stateFixtures';

const get = useStore.getState;
beforeEach(() => resetStore());

describe('profiling', () => {
  it('profiles each selected model at each chosen N within its limit, one by one, and keeps a failure apart', async () => {
    const fake = fakeEngine({ failProfile: ['transformer-tiny'] });
    await get().init(fake.engine, null);
    useStore.setState({ selected: ['perceiver-ar-tiny', 'transformer-tiny'] });
    get().setProfileContexts([2048, 512]); // the tiny models stop at 1,024
    await get().runProfiles();
    expect(fake.calls.profiles).toEqual([
      { id: 'perceiver-ar-tiny', context: 512 },
      { id: 'transformer-tiny', context: 512 },
    ]);
    expect(get().profiles.map((p) => [p.modelId, p.contextLength])).toEqual([['perceiver-ar-tiny', 512]]);
    expect(get().profileFailures.map((p) => [p.modelId, p.failure.kind])).toEqual([['transformer-tiny', 'out-of-memory']]);
    expect(get().profileProgress).toEqual({ done: 2, total: 2 });
    expect(get().profiling).toBe(false);
  });

  it('a link carries the profiles to another page', async () => {
    await get().init(fakeEngine().engine, null);
    useStore.setState({ selected: ['perceiver-ar-tiny'] });
    get().setProfileContexts([256, 1024]);
    await get().runProfiles();
    const sent = get().profiles;
    expect(sent).toHaveLength(2);
    const link = encodeState(get().sharedState(false));
    resetStore();
    await get().init(fakeEngine().engine, link);
    expect(get().profiles).toEqual(sent);
  });

  it('keeps one MatMul peak per backend', async () => {
    await get().init(fakeEngine().engine, null);
    await get().measurePeak('wasm');
    await get().measurePeak('wasm');
    expect(get().peaks).toHaveLength(1);
    expect(get().peaks[0]).toMatchObject({ ok: true, backend: 'wasm', gflops: 42.9 });
  });
});
