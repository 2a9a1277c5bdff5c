// The benchmark workloads; each returns its figures and a one-line summary.
import { performance } from 'node:perf_hooks';
import { api, enqueueBulk, lastCompletionAt, percentile, processUsage, settledRssMb, sleep, startAgent, startScheduler, waitForCounts, wallClock, workerFirstSeenAt } from './harness.mjs';

const drainJobs = 20_000;
const latencyJobs = 300;
const latencyGapMs = 10;
const enqueueSeconds = 5;
const retryJobs = 2_000;
const round = (x, digits = 0) => Number(x.toFixed(digits));

/** One scale probe: a job enqueued and leased (the lease timed), completed, and a page of a listing timed. */
async function probe(scheduler, { lease, list }) {
  await api(scheduler.url, 'POST', '/jobs', { type: 'bench.scale', queue: 'probe' });
  let started = performance.now();
  const { jobs } = await api(scheduler.url, 'POST', '/next-job', { worker_id: 'probe', types: ['bench.scale'] });
  lease.push(performance.now() - started);
  await api(scheduler.url, 'POST', `/jobs/${jobs[0].id}/complete`, { worker_id: 'probe', version: jobs[0].version, status: 'completed' });
  started = performance.now();
  await api(scheduler.url, 'GET', '/jobs?status=pending&type=bench.filler&limit=50');
  list.push(performance.now() - started);
}

/** Fills a scheduler's table to `total` jobs with fillers scheduled a day or more ahead. */
async function fillTo(scheduler, total) {
  const { counts } = await api(scheduler.url, 'GET', '/stats');
  const have = Object.values(counts).reduce((a, b) => a + b, 0);
  const filler = Array.from({ length: Math.max(0, total - have) }, (_, i) => ({ type: 'bench.filler', delay_ms: 86_400_000 + i }));
  await enqueueBulk(scheduler.url, filler);
}

async function withScheduler(database, run) {
  const scheduler = await startScheduler(database);
  try {
    return await run(scheduler);
  } finally {
    await scheduler.stop();
  }
}

/**
 * The drains' agent: 50 handlers, as the peers' consumers, and 500 jobs leased ahead, as
 * graphile-worker's perf preset keeps a local queue of 500.
 */
const drainAgent = { concurrency: 50, prefetch: Number(process.env.FOREMAN_BENCH_PREFETCH ?? 500) };

/**
 * Drains `jobs` with one agent (`drainAgent`); jobs/s from the agent's start to the last
 * accepted completion. The agent has started when its first lease request arrives (its
 * `first_seen`): the peers start their clocks on a worker whose modules are loaded and whose
 * connection is ready, so the agent process's own start (node and its modules, about 170 ms
 * here) is reported apart, in `fromSpawnJobsPerSecond`. With `scrapeEveryMs`, GET /metrics is
 * scraped that often meanwhile.
 */
async function drain(scheduler, type, jobs, { scrapeEveryMs } = {}) {
  const bulkRate = await enqueueBulk(scheduler.url, jobs);
  const before = processUsage(scheduler.pid);
  const startedAt = Date.now();
  const agent = startAgent(scheduler.url, { ...drainAgent, workerId: 'bench-agent' });
  let scraping = scrapeEveryMs !== undefined;
  const scraper = (async () => {
    while (scraping) {
      await fetch(`${scheduler.url}/metrics`).then((response) => response.text());
      await sleep(scrapeEveryMs);
    }
  })();
  try {
    await waitForCounts(scheduler.url, (counts) => counts.completed === jobs.length, 300_000);
  } finally {
    scraping = false;
    await scraper;
    await agent.stop();
  }
  // Read before the listings below, which page through every job and are not the drain's work.
  const after = processUsage(scheduler.pid);
  const finishedAt = await lastCompletionAt(scheduler.url, type);
  const agentStartedAt = await workerFirstSeenAt(scheduler.url, 'bench-agent');
  return {
    jobsPerSecond: jobs.length / ((finishedAt - agentStartedAt) / 1000),
    fromSpawnJobsPerSecond: jobs.length / ((finishedAt - startedAt) / 1000),
    bulkEnqueuePerSecond: bulkRate,
    cpuSecondsPer1000: ((after.cpuSeconds - before.cpuSeconds) / jobs.length) * 1000,
    peakRssMb: after.peakRssMb,
  };
}

export const workloads = {
  async W1({ database }) {
    return withScheduler(database, async (scheduler) => {
      const r = await drain(scheduler, 'bench.noop', Array.from({ length: drainJobs }, () => ({ type: 'bench.noop' })));
      return {
        ...r,
        summary: `drain ${round(r.jobsPerSecond)} jobs/s (${round(r.fromSpawnJobsPerSecond)} from the agent's spawn); bulk enqueue ${round(r.bulkEnqueuePerSecond)} jobs/s; scheduler CPU ${round(r.cpuSecondsPer1000, 3)} s/1000 jobs, peak RSS ${round(r.peakRssMb)} MB`,
      };
    });
  },

  /** W1 while GET /metrics is scraped every 100 ms (Prometheus scrapes every 15 s by default). */
  async W1scraped({ database }) {
    return withScheduler(database, async (scheduler) => {
      const r = await drain(scheduler, 'bench.noop', Array.from({ length: drainJobs }, () => ({ type: 'bench.noop' })), { scrapeEveryMs: 100 });
      return { ...r, summary: `drain ${round(r.jobsPerSecond)} jobs/s with /metrics scraped every 100 ms` };
    });
  },

  async W2({ database }) {
    return withScheduler(database, async (scheduler) => {
      const agent = startAgent(scheduler.url, { concurrency: 10, workerId: 'bench-agent' });
      try {
        await sleep(1000);
        const enqueuedAt = new Map();
        for (let i = 0; i < latencyJobs; i++) {
          const before = wallClock();
          const job = await api(scheduler.url, 'POST', '/jobs', { type: 'bench.stamp' });
          enqueuedAt.set(job.id, before);
          await sleep(latencyGapMs);
        }
        await waitForCounts(scheduler.url, (counts) => counts.completed === latencyJobs, 60_000);
        const page = await api(scheduler.url, 'GET', `/jobs?status=completed&limit=500`);
        const latencies = page.jobs.map((job) => job.result.started_at - enqueuedAt.get(job.id)).sort((a, b) => a - b);
        const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(latencies, p));
        const max = latencies.at(-1);
        return { p50Ms: p50, p95Ms: p95, p99Ms: p99, maxMs: max, summary: `pickup p50 ${round(p50, 2)} / p95 ${round(p95, 2)} / p99 ${round(p99, 2)} / max ${round(max, 2)} ms` };
      } finally {
        await agent.stop();
      }
    });
  },

  async W3({ database }) {
    return withScheduler(database, async (scheduler) => {
      const deadline = performance.now() + enqueueSeconds * 1000;
      let count = 0;
      while (performance.now() < deadline) {
        await api(scheduler.url, 'POST', '/jobs', { type: 'bench.noop' });
        count++;
      }
      const rate = count / enqueueSeconds;
      return { enqueuesPerSecond: rate, summary: `single enqueue ${round(rate)} /s (${count} in ${enqueueSeconds} s, each durable)` };
    });
  },

  async W4({ database }) {
    return withScheduler(database, async (scheduler) => {
      const jobs = Array.from({ length: retryJobs }, () => ({ type: 'bench.flaky', max_attempts: 2, backoff: { strategy: 'fixed', base_ms: 0, jitter: false } }));
      const r = await drain(scheduler, 'bench.flaky', jobs);
      let cursor;
      let ranTwice = 0;
      do {
        const page = await api(scheduler.url, 'GET', `/jobs?type=bench.flaky&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
        ranTwice += page.jobs.filter((job) => job.status === 'completed' && job.attempt === 2).length;
        cursor = page.next_cursor;
      } while (cursor);
      return { jobsPerSecond: r.jobsPerSecond, fromSpawnJobsPerSecond: r.fromSpawnJobsPerSecond, ranTwice, summary: `retry e2e ${round(r.jobsPerSecond)} jobs/s (${round(r.fromSpawnJobsPerSecond)} from the agent's spawn); ${ranTwice} of ${retryJobs} ran exactly twice` };
    });
  },

  /**
   * Two schedulers, one holding 10,000 jobs and one `scaleJobs`, probed in turn (the order
   * alternating), so that whatever slows this machine for a while slows both alike: measured one
   * after the other, a minute apart, the ratio moved with the machine more than with the table.
   */
  async scale({ scaleJobs, database }) {
    return withScheduler(database, (small) =>
      withScheduler(database, async (large) => {
        await fillTo(small, 10_000);
        await fillTo(large, scaleJobs);
        // The RSS with the large table stored, while it serves leases and listings (not the fill's burst).
        let servingRssMb = processUsage(large.pid).rssMb;
        const sampler = setInterval(() => (servingRssMb = Math.max(servingRssMb, processUsage(large.pid).rssMb)), 50);
        const probes = new Map([small, large].map((scheduler) => [scheduler, { lease: [], list: [] }]));
        try {
          for (let i = 0; i < 200; i++) {
            for (const scheduler of i % 2 ? [small, large] : [large, small]) await probe(scheduler, probes.get(scheduler));
          }
        } finally {
          clearInterval(sampler);
        }
        const median = (xs) => percentile([...xs].sort((a, b) => a - b), 50);
        const [atSmall, atLarge] = [small, large].map((scheduler) => ({ leaseP50Ms: median(probes.get(scheduler).lease), listP50Ms: median(probes.get(scheduler).list) }));
        const rss = processUsage(large.pid).peakRssMb;
        const settled = await settledRssMb(large.pid, 40_000);
        return {
          small: atSmall,
          large: atLarge,
          peakRssMb: rss,
          servingRssMb,
          settledRssMb: settled,
          summary: `lease p50 ${round(atSmall.leaseP50Ms, 2)} ms at 10k → ${round(atLarge.leaseP50Ms, 2)} ms at ${scaleJobs}; list p50 ${round(atSmall.listP50Ms, 2)} → ${round(atLarge.listP50Ms, 2)} ms; RSS peak ${round(rss)} MB while filling, ${round(servingRssMb)} MB while serving, ${round(settled)} MB settled`,
        };
      }),
    );
  },
};
