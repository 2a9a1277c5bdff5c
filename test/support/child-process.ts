// Child processes that tests start: their exit as a promise, and no orphan left behind.
import type { ChildProcess } from 'node:child_process';

export function watchChild(child: ChildProcess): Promise<number | NodeJS.Signals | null> {
  // A test cut short must not leave a scheduler or agent running behind it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve(signal ?? code);
    }),
  );
}
