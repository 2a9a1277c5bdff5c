// Counting what fault tests did: accepted completions from the job histories, executions from
// the handlers' own log.
import type { ForemanClient } from '@foreman/client';

/** Accepted completions per job: its `completed` events (a refused report is `report_superseded`). */
export async function completionsPerJob(client: ForemanClient, ids: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const queue = [...ids];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
        const { data } = await client.GET('/jobs/{id}/events', { params: { path: { id } } });
        counts.set(id, data!.events.filter((event) => event.type === 'completed').length);
      }
    }),
  );
  return counts;
}

/** The fixture `wait` handler appends `job_id attempt pid` per execution. */
export function executionsFromLog(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const id = line.split(' ')[0];
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export function summarise(executions: Map<string, number>, jobs: number): string {
  const histogram = new Map<number, number>();
  for (const count of executions.values()) histogram.set(count, (histogram.get(count) ?? 0) + 1);
  const spread = [...histogram.entries()].sort(([a], [b]) => a - b).map(([runs, n]) => `${n} ran ${runs}×`).join(', ');
  return `executions of ${jobs} jobs: ${spread}`;
}
