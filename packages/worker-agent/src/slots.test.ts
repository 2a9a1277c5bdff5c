import { describe, expect, it } from 'vitest';
import { createSlots } from './slots.js';

describe('slots', () => {
  it('hands a released slot to the longest-waiting acquirer, one at a time', async () => {
    const slots = createSlots(1);
    const never = new AbortController().signal;
    expect(await slots.acquire(never)).toBe(true);
    const order: string[] = [];
    const first = slots.acquire(never).then(() => order.push('first'));
    const second = slots.acquire(never).then(() => order.push('second'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);

    slots.release();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['first']);
    expect(slots.busy).toBe(1);
    slots.release();
    await second;
    expect(order).toEqual(['first', 'second']);
    slots.release();
    expect(slots.busy).toBe(0);
  });

  it('takes nothing for an acquirer that gave up, and passes the slot over it', async () => {
    const slots = createSlots(1);
    const never = new AbortController().signal;
    await slots.acquire(never);
    const impatient = new AbortController();
    const gaveUp = slots.acquire(impatient.signal);
    const patient = slots.acquire(never);
    impatient.abort();
    expect(await gaveUp).toBe(false);
    slots.release();
    expect(await patient).toBe(true);
    expect(slots.busy).toBe(1);
    expect(await slots.acquire(impatient.signal)).toBe(false);
  });
});
