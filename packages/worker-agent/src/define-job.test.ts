import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, isJobDefinition } from './define-job.js';

describe('defineJob', () => {
  it('returns a frozen definition that isJobDefinition recognises', () => {
    const job = defineJob({ type: 'email.send', schema: z.object({ to: z.string() }), handler: () => null });
    expect(job.type).toBe('email.send');
    expect(Object.isFrozen(job)).toBe(true);
    expect(isJobDefinition(job)).toBe(true);
    expect(isJobDefinition({ type: 'plain', handler: () => 1 })).toBe(true);
    expect(isJobDefinition({ type: 'plain' })).toBe(false);
    expect(isJobDefinition({ type: 'bad type', handler: () => 1 })).toBe(false);
  });

  it('refuses type names the scheduler would refuse, and missing handlers', () => {
    expect(() => defineJob({ type: 'has space', handler: () => null })).toThrow(TypeError);
    expect(() => defineJob({ type: '', handler: () => null })).toThrow(TypeError);
    expect(() => defineJob({ type: 'ok', handler: undefined as never })).toThrow(/handler must be a function/);
  });

  // Type inference is the point of defineJob, so compile a sample against the real declarations.
  it('infers the payload type from the schema', { timeout: 60_000 }, () => {
    const sample = fileURLToPath(new URL('./define-job.inference-sample.ts', import.meta.url));
    const source = `
      import { z } from 'zod';
      import { defineJob, type JobDefinition } from './define-job.js';
      const typed = defineJob({
        type: 'typed',
        schema: z.object({ n: z.number(), tags: z.array(z.string()).default([]) }),
        handler: async (payload, ctx) => {
          const n: number = payload.n;
          const tags: string[] = payload.tags;
          ctx.progress(1, 2, 'half');
          // @ts-expect-error the schema has no such field
          payload.missing;
          return { doubled: n * 2, tags };
        },
      });
      const definition: JobDefinition<{ n: number; tags: string[] }, { doubled: number; tags: string[] }> = typed;
      const list: JobDefinition[] = [typed, defineJob({ type: 'untyped', handler: (payload) => {
        // @ts-expect-error without a schema the payload is unknown
        payload.anything;
      } })];
      export { definition, list };
    `;
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, language, ...rest) =>
      name === sample ? ts.createSourceFile(name, source, language) : getSourceFile.call(host, name, language, ...rest);
    host.fileExists = (name) => name === sample || fileExists.call(host, name);
    host.readFile = (name) => (name === sample ? source : readFile.call(host, name));
    const program = ts.createProgram([sample], options, host);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
