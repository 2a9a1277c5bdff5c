// The agent's behaviour against a scheduler is tested end to end in test/agent-protocol.test.ts
// and test/agent-e2e.test.ts; here, what it refuses before it ever connects.
import { describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import { ConfigError } from './config.js';
import { defineJob } from './define-job.js';

describe('configuration', () => {
  it('refuses types it has no handler for and duplicate handlers', () => {
    expect(() => createAgent({ types: ['nope'] })).toThrow(ConfigError);
    const twice = defineJob({ type: 'twice', handler: () => null });
    expect(() => createAgent({ handlers: [twice, twice] })).toThrow(/more than one handler for type twice/);
  });

  it('refuses a long-poll wait under 100 ms, with which an idle agent would ask again and again', () => {
    expect(() => createAgent({ waitMs: 0 })).toThrow(/waitMs: must be at least 100/);
    expect(() => createAgent({ waitMs: 100 })).not.toThrow();
  });

  it('refuses a CA file it cannot read, naming the option', () => {
    const refusal = (() => {
      try {
        createAgent({ caFile: '/nonexistent/foreman-ca.pem' });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).issues).toEqual([{ option: 'caFile', message: expect.stringMatching(/^cannot be read: ENOENT/) }]);
  });
});
