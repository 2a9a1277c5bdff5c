import { describe, expect, it } from 'vitest';
import { Readiness } from './readiness.js';

describe('Readiness', () => {
  it('is not ready while starting, ready once serving, and not ready again from shutdown on', async () => {
    const readiness = new Readiness();
    expect(await readiness.check()).toMatchObject({ ready: false, reason: 'starting' });
    readiness.serving(async () => undefined);
    expect(await readiness.check()).toEqual({ ready: true });
    readiness.shuttingDown();
    expect(await readiness.check()).toMatchObject({ ready: false, reason: 'shutting_down' });
  });

  it('reports a failing or silent database as unreachable, asking it at most once a second', async () => {
    let pings = 0;
    let answer: () => Promise<void> = async () => undefined;
    const readiness = new Readiness();
    readiness.serving(() => {
      pings++;
      return answer();
    });
    expect(await readiness.check()).toEqual({ ready: true });
    await readiness.check();
    expect(pings).toBe(1);

    answer = () => Promise.reject(new Error('connection refused'));
    await new Promise((resolve) => setTimeout(resolve, 1010));
    expect(await readiness.check()).toMatchObject({ ready: false, reason: 'database_unreachable', detail: expect.stringContaining('connection refused') });

    answer = () => new Promise(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1010));
    const started = Date.now();
    expect(await readiness.check()).toMatchObject({ ready: false, reason: 'database_unreachable' });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
