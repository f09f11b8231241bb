// Every test starts with nothing mounted: what a test rendered is unmounted after it, inside
// act (Preact 11 runs unmount cleanups with the effects, which act flushes).
import { act, cleanup } from '@testing-library/preact';
import { afterEach } from 'vitest';

afterEach(() => {
  act(() => cleanup());
});
