import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { newJobId } from './job-id.js';

describe('newJobId', () => {
  it('makes valid UUIDv7s that increase strictly, within one millisecond and across them', () => {
    const now = Date.now() + 1000;
    const ids = [...Array.from({ length: 600 }, () => newJobId(now)), ...Array.from({ length: 600 }, () => newJobId(now + 1))];
    for (const id of ids) {
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps increasing when the clock steps back', () => {
    const now = Date.now() + 5000;
    const before = newJobId(now);
    expect(newJobId(now - 3000) > before).toBe(true);
  });
});
