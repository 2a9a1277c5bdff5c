// Generated from openapi.yaml by `pnpm generate`; do not edit by hand.

export type paths = {
    "/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List jobs, newest first */
        get: operations["listJobs"];
        put?: never;
        /**
         * Enqueue one job
         * @description Returns `201` with the new job. When `idempotency_key` names a job that already
         *     exists, returns `200` with that job and creates nothing. A token with only the `worker`
         *     scope may not read jobs: a key that names a job with another parent than this one's is
         *     refused with `403`.
         */
        post: operations["enqueueJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enqueue 1 to 1000 jobs, all or nothing
         * @description Either every job is stored or none is. An invalid element is named by its index
         *     (`/jobs/3/type`). Elements whose `idempotency_key` already exists return the
         *     existing job in their place (with only the `worker` scope, one of another parent is
         *     refused with `403`, and nothing is stored).
         *
         *     `ids` lists the jobs' ids in the order given. With `return_jobs: false`, `jobs` is
         *     empty: a producer that only needs the ids saves the response every job's
         *     representation (measured: a bulk enqueue 1.3 to 1.5 times as fast).
         */
        post: operations["enqueueJobs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one job */
        get: operations["getJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The job's history, oldest first */
        get: operations["listJobEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a job
         * @description A pending job is cancelled at once (`200`). A running job gets
         *     `cancel_requested: true` (`202`); its agent learns of it from its next heartbeat
         *     (every `lease_ms / 3`), aborts the handler and the job ends `cancelled`. A failure
         *     reported meanwhile also ends it `cancelled`, never retried. A handler that finished
         *     first has done the work: its `completed` report stands, with its result, and
         *     `cancel_requested` stays true. A job that already ended answers `409`.
         */
        post: operations["cancelJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a failed or cancelled job again
         * @description Moves a failed or cancelled job back to pending, runnable now, with one more
         *     attempt allowed. The body may raise `max_attempts` further.
         */
        post: operations["retryJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/next-job": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Lease up to `max` runnable jobs, waiting up to `wait_ms` for one
         * @description Only pending jobs whose `run_at` has passed are leased, highest `priority` first,
         *     then earliest `run_at`, then id. Leasing sets `status: running`, increments
         *     `attempt` and `version`, and sets `lease_expires_at = now + lease_ms`. With
         *     `wait_ms` the request is held open and answers within milliseconds of a matching
         *     job becoming runnable; it answers `{jobs: []}` when the wait runs out.
         *
         *     `drain: true` means an operator asked this worker to drain
         *     (`POST /workers/{id}/drain`): it should take no more work, finish the jobs it
         *     runs, report them and exit. A draining worker is leased nothing, and a long
         *     poll waiting when the drain is asked for is answered at once.
         */
        post: operations["leaseJobs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/heartbeat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Extend a lease and report progress
         * @description Extends the lease by the job's `lease_ms`. A `409` means the worker no longer
         *     holds this lease (it expired, the job was re-leased, cancelled or finished) and
         *     must stop the job without reporting it. A `403` means the current lease belongs to
         *     another worker id.
         */
        post: operations["heartbeatJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/heartbeats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Extend several leases in one request
         * @description Each heartbeat is applied or refused exactly as `POST /jobs/{id}/heartbeat` would apply or
         *     refuse it, and they share one durable commit: an agent holding many jobs keeps all their
         *     leases alive with one request. `results[i]` answers `heartbeats[i]`: its `status` is the
         *     HTTP status the single heartbeat would have got (200, 403, 404 or 409), with the new
         *     `lease_expires_at` and `cancel_requested` when applied, or the problem when refused. A
         *     job may appear once per request (a `400` names the repeat). A database outage fails the
         *     whole request (`503`), so it can be retried as a whole.
         */
        post: operations["heartbeatJobs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report the outcome of an attempt
         * @description `completed` stores the result. `failed` with attempts left and `retryable`
         *     (default true) makes the job pending again with `run_at = now + backoff`;
         *     otherwise it ends `failed`. A job whose cancellation was requested ends
         *     `cancelled` when reported failed. A retryable failure with `code: "shutdown"` (an
         *     agent handing the job back as it stops) makes it pending at once, without the backoff
         *     and without counting the interrupted attempt.
         *
         *     A report for the current lease from another worker id answers `403` and records nothing.
         *     A report for a `version` that is not the job's current lease answers `409`
         *     with the job's current `job_status` and `job_version` and leaves the job untouched;
         *     the refused result or error is still kept in the job's events as superseded.
         *     A report that arrives after the lease passed answers `409` too, even before the
         *     sweeper has ended the attempt: it ends there, under the retry policy.
         *     The same report repeated with the same `version`, outcome and result or error (a
         *     retry after a lost response) answers `200` and is applied once; a second report for
         *     the same lease that says something else answers `409` and is kept as superseded
         *     (once an operator has retried a completed job, a late repeat of its completion is
         *     compared by outcome only).
         */
        post: operations["completeJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report the outcomes of several attempts in one request
         * @description Each report is applied or refused exactly as `POST /jobs/{id}/complete` would apply or
         *     refuse it, and they share one durable commit. `results[i]` answers `reports[i]`: its
         *     `status` is the HTTP status the single report would have got (200, 403, 404 or 409), with the
         *     job as it now stands or the problem. A database outage fails the whole request (`503`),
         *     so it can be retried as a whole.
         *
         *     With `lease`, the same transaction then leases the worker up to `lease.max` runnable jobs,
         *     as `POST /next-job` with `wait_ms: 0` would, and returns them in `jobs`: an agent that
         *     reports finished jobs gets the next ones without another round trip.
         *
         *     With `return_jobs: false`, applied results carry `job: null`: a worker that only needs to
         *     know which reports were applied saves the response every job's representation.
         */
        post: operations["reportJobs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Agents seen recently */
        get: operations["listWorkers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Job counts and queue age */
        get: operations["getStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workers/{id}/drain": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["WorkerId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask an agent to stop taking work, finish what it runs and exit
         * @description Recorded in the database, so every replica tells the agent: its next poll of
         *     `/next-job` (or a poll already waiting) is answered with `drain: true` and no
         *     jobs, and its heartbeats say `drain: true`. The agent then finishes and reports
         *     its running jobs and exits. The request stands until withdrawn; asking again
         *     keeps the first request's time.
         */
        post: operations["drainWorker"];
        /** Withdraw a drain request, so the worker id may take work again */
        delete: operations["undrainWorker"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Answers without touching the database, from start-up through shutdown.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness for traffic
         * @description `503` while the database is opened and migrated (`starting`), once shutdown has
         *     begun (`shutting_down`), and while the database does not answer a trivial query
         *     within 1 s (`database_unreachable`; the check is reused for 1 s).
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description The Prometheus text exposition format. Among them: `foreman_jobs` (gauge by
         *     queue, type and status), `foreman_jobs_{enqueued,leased,completed,failed,retried,lease_expired,cancelled}_total`
         *     (counters by queue and type), `foreman_job_queue_wait_seconds` and
         *     `foreman_job_run_seconds` (histograms), `foreman_long_polls_waiting`,
         *     `foreman_http_request_duration_seconds` (by method, route pattern and status) and
         *     `foreman_db_transaction_duration_seconds`, plus the process's own metrics.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: operations["getContract"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        /**
         * @description `pending`: waiting to run, including scheduled for later and waiting for a retry.
         *     `running`: leased to a worker. `completed`, `failed`, `cancelled`: terminal.
         * @enum {string}
         */
        JobStatus: "pending" | "running" | "completed" | "failed" | "cancelled";
        JobType: string;
        QueueName: string;
        /**
         * Format: date-time
         * @description RFC 3339, UTC, with milliseconds.
         */
        Timestamp: string;
        Backoff: {
            /** @enum {string} */
            strategy: "exponential" | "linear" | "fixed";
            base_ms: number;
            max_ms: number;
            jitter: boolean;
        };
        /**
         * @description Delay before attempt n+1 after the n-th failure: exponential
         *     `min(max_ms, base_ms·2^(n−1))`, linear `min(max_ms, base_ms·n)`, fixed `base_ms`.
         *     With jitter the delay is uniformly random in [d/2, d].
         */
        BackoffInput: {
            /**
             * @default exponential
             * @enum {string}
             */
            strategy?: "exponential" | "linear" | "fixed";
            /** @default 1000 */
            base_ms?: number;
            /** @default 3600000 */
            max_ms?: number;
            /** @default true */
            jitter?: boolean;
        };
        Progress: {
            current: number;
            total?: number | null;
            message?: string | null;
        };
        JobError: {
            message: string;
            code: string | null;
            retryable: boolean;
        };
        JobErrorInput: {
            message: string;
            code?: string;
            /** @default true */
            retryable?: boolean;
        };
        Job: {
            id: string;
            type: components["schemas"]["JobType"];
            queue: components["schemas"]["QueueName"];
            /** @description Any JSON value. */
            payload: unknown;
            priority: number;
            status: components["schemas"]["JobStatus"];
            /** @description Attempts started so far; the running attempt's number while running. */
            attempt: number;
            max_attempts: number;
            backoff: components["schemas"]["Backoff"];
            timeout_ms: number;
            lease_ms: number;
            run_at: components["schemas"]["Timestamp"];
            /** @description Bumped by every transition; heartbeats and reports must carry the leased version. */
            version: number;
            idempotency_key: string | null;
            parent_id: string | null;
            /** @description The worker holding (or that last held) the lease. */
            worker_id: string | null;
            lease_expires_at: components["schemas"]["Timestamp"] | null;
            progress: components["schemas"]["Progress"] | null;
            /** @description What the handler returned (any JSON), or null. */
            result: unknown;
            /** @description The last failed attempt's error, or null. */
            error: components["schemas"]["JobError"] | null;
            /** @description A cancel was requested (see `POST /jobs/{id}/cancel`), whether the job was pending and ended at once or was running; it stays true if a running job completed first. */
            cancel_requested: boolean;
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
            /** @description When the latest attempt was leased. */
            started_at: components["schemas"]["Timestamp"] | null;
            /** @description When the job reached a terminal status. */
            finished_at: components["schemas"]["Timestamp"] | null;
        };
        JobInput: {
            type: components["schemas"]["JobType"];
            /** @description Any JSON value; defaults to `{}`. */
            payload?: unknown;
            /** @default default */
            queue?: components["schemas"]["QueueName"];
            /** @default 0 */
            priority?: number;
            /**
             * Format: date-time
             * @description Not before this instant; one already past means now (the job does not go ahead of jobs enqueued before it). Not together with `delay_ms`. With its offset applied, the instant must lie between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, as RFC 3339 has four-digit years.
             */
            run_at?: string;
            /** @description Not before this many milliseconds from now. Not together with `run_at`. */
            delay_ms?: number;
            /** @default 3 */
            max_attempts?: number;
            backoff?: components["schemas"]["BackoffInput"];
            /**
             * @description Execution limit the agent enforces.
             * @default 300000
             */
            timeout_ms?: number;
            /** @default 30000 */
            lease_ms?: number;
            idempotency_key?: string;
            /** @description The job this one was spawned by; a `400` names it when no such job exists. */
            parent_id?: string;
        };
        JobBatchInput: {
            jobs: components["schemas"]["JobInput"][];
            /**
             * @description False leaves `jobs` empty in the response; `ids` still lists every job.
             * @default true
             */
            return_jobs?: boolean;
        };
        EnqueuedJobs: {
            /** @description The jobs as stored, in the order given (empty with `return_jobs` false). */
            jobs: components["schemas"]["Job"][];
            /** @description The jobs' ids, in the order given. */
            ids: string[];
        };
        RetryInput: {
            /** @description Raise the attempt limit; at least one more attempt is always allowed. */
            max_attempts?: number;
        };
        AgentInfo: {
            hostname?: string;
            version?: string;
            concurrency?: number;
            /** @description Jobs it leases beyond its concurrency, which wait on the agent (their leases kept alive) for a free slot; they count among the worker's running jobs meanwhile. */
            prefetch?: number;
        };
        LeaseInput: {
            worker_id: string;
            /** @description Lease only these types; absent means any. */
            types?: components["schemas"]["JobType"][];
            /** @description Lease only from these queues; absent means any. */
            queues?: components["schemas"]["QueueName"][];
            /** @default 1 */
            max?: number;
            /** @default 0 */
            wait_ms?: number;
            agent?: components["schemas"]["AgentInfo"];
        };
        HeartbeatInput: {
            worker_id: string;
            version: number;
            progress?: components["schemas"]["ProgressInput"];
        };
        ProgressInput: {
            current: number;
            total?: number;
            message?: string;
        };
        HeartbeatResult: {
            lease_expires_at: components["schemas"]["Timestamp"];
            cancel_requested: boolean;
            /** @description The worker is asked to drain; see `POST /workers/{id}/drain`. */
            drain: boolean;
        };
        HeartbeatItemInput: {
            id: string;
            version: number;
            progress?: components["schemas"]["ProgressInput"];
        };
        HeartbeatBatchInput: {
            worker_id: string;
            heartbeats: components["schemas"]["HeartbeatItemInput"][];
        };
        HeartbeatItemResult: {
            id: string;
            /**
             * @description What `POST /jobs/{id}/heartbeat` would have answered for this heartbeat.
             * @enum {integer}
             */
            status: 200 | 403 | 404 | 409;
            /** @description The extended lease's end, when applied (null when refused). */
            lease_expires_at: components["schemas"]["Timestamp"] | null;
            /** @description Whether the job's cancellation was requested, when applied (null when refused). */
            cancel_requested: boolean | null;
            /** @description Why the heartbeat was refused; for 409 with `job_status` and `job_version`. */
            problem: components["schemas"]["Problem"] | null;
        };
        HeartbeatBatchResult: {
            results: components["schemas"]["HeartbeatItemResult"][];
            /** @description The worker is asked to drain; see `POST /workers/{id}/drain`. */
            drain: boolean;
        };
        CompleteInput: {
            worker_id: string;
            version: number;
            /** @enum {string} */
            status: "completed" | "failed";
            /** @description Any JSON value; only with `completed`. */
            result?: unknown;
            error?: components["schemas"]["JobErrorInput"];
        };
        ReportItemInput: {
            id: string;
            version: number;
            /** @enum {string} */
            status: "completed" | "failed";
            /** @description Any JSON value; only with `completed`. */
            result?: unknown;
            error?: components["schemas"]["JobErrorInput"];
        };
        ReportBatchInput: {
            worker_id: string;
            reports: components["schemas"]["ReportItemInput"][];
            /** @description Also lease the next jobs, in the same transaction (never waits). */
            lease?: {
                max: number;
                /** @description Lease only these types; absent means any. */
                types?: components["schemas"]["JobType"][];
                /** @description Lease only from these queues; absent means any. */
                queues?: components["schemas"]["QueueName"][];
                agent?: components["schemas"]["AgentInfo"];
            };
            /**
             * @description False leaves `job` null in the results of applied reports too.
             * @default true
             */
            return_jobs?: boolean;
        };
        ReportResult: {
            id: string;
            /**
             * @description What `POST /jobs/{id}/complete` would have answered for this report.
             * @enum {integer}
             */
            status: 200 | 403 | 404 | 409;
            /** @description The job as it now stands, when the report was applied (null when refused, or with `return_jobs` false). */
            job: components["schemas"]["Job"] | null;
            /** @description Why the report was refused; for 409 with `job_status` and `job_version`. */
            problem: components["schemas"]["Problem"] | null;
        };
        ReportBatchResult: {
            results: components["schemas"]["ReportResult"][];
            /** @description The jobs leased by `lease`; empty without it. */
            jobs: components["schemas"]["Job"][];
        };
        LeaseResult: {
            jobs: components["schemas"]["Job"][];
            /** @description Take no more work, finish the jobs running, report them and exit. */
            drain: boolean;
        };
        JobPage: {
            jobs: components["schemas"]["Job"][];
            /** @description Pass as `cursor` for the next page; null at the end. */
            next_cursor: string | null;
        };
        /** @enum {string} */
        JobEventType: "enqueued" | "leased" | "progress" | "completed" | "failed" | "retry_scheduled" | "lease_expired" | "cancel_requested" | "cancelled" | "retried" | "report_superseded" | "lease_released";
        JobEvent: {
            id: number;
            job_id: string;
            type: components["schemas"]["JobEventType"];
            at: components["schemas"]["Timestamp"];
            attempt: number;
            /** @description The job's version after the event (for `report_superseded`, the refused report's version). */
            version: number;
            worker_id: string | null;
            /** @description Event-specific facts, e.g. `run_at` of a scheduled retry, the error, the result. */
            details: {
                [key: string]: unknown;
            };
        };
        JobEventList: {
            events: components["schemas"]["JobEvent"][];
        };
        Worker: {
            worker_id: string;
            first_seen: components["schemas"]["Timestamp"];
            /** @description When it last polled, heartbeated or reported, to within about 5 s (the scheduler writes it at most that often). */
            last_seen: components["schemas"]["Timestamp"];
            /** @description Jobs leased to it and not ended, including those it leased ahead (`agent.prefetch`) that still wait for a slot. */
            running_jobs: number;
            /** @description The types it asked for; null means any. */
            types: string[] | null;
            /** @description The queues it asked for; null means any. */
            queues: string[] | null;
            /** @description What the agent said of itself in the latest lease request that said anything; null if none did. */
            agent: components["schemas"]["AgentInfo"] | null;
            /** @description An operator asked this agent to drain. */
            draining: boolean;
        };
        WorkerDrain: {
            worker_id: string;
            draining: boolean;
            drain_requested_at: components["schemas"]["Timestamp"] | null;
        };
        WorkerList: {
            workers: components["schemas"]["Worker"][];
        };
        StatusCounts: {
            pending: number;
            running: number;
            completed: number;
            failed: number;
            cancelled: number;
        };
        QueueStats: {
            counts: components["schemas"]["StatusCounts"];
            /** @description How long the oldest runnable pending job has waited since its `run_at`; null when none waits. */
            oldest_runnable_age_ms: number | null;
        };
        Stats: {
            counts: components["schemas"]["StatusCounts"];
            queues: {
                [key: string]: components["schemas"]["QueueStats"];
            };
            types: {
                [key: string]: components["schemas"]["StatusCounts"];
            };
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "not_ready";
            /** @enum {string} */
            reason?: "starting" | "shutting_down" | "database_unreachable";
            detail?: string;
        };
        ValidationError: {
            /** @description JSON Pointer to the offending field, e.g. `/jobs/3/type`. */
            path: string;
            message: string;
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            errors?: components["schemas"]["ValidationError"][];
        };
        ConflictProblem: components["schemas"]["Problem"] & {
            job_status: components["schemas"]["JobStatus"];
            job_version: number;
        };
    };
    responses: {
        /** @description No bearer token was sent, or it is not a valid token. */
        Unauthorized: {
            headers: {
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The token lacks the scope this operation needs, acts as a worker id it is not bound to,
         *     or (heartbeat and reports) the job's current lease belongs to another worker.
         */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The token made more requests than its rate allows, or holds too many long polls at
         *     once; retry after `Retry-After` seconds.
         */
        TooManyRequests: {
            headers: {
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request is malformed; `errors` names each offending field. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such job. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No agent with this worker id has polled. */
        WorkerNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The job is not in a state that allows this, or the version is not the current
         *     lease. `job_status` and `job_version` in the body give the job's current state.
         */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ConflictProblem"];
            };
        };
        /**
         * @description The request body, or a job's payload, is larger than the scheduler accepts; for a
         *     payload, `errors` names the job's field.
         */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is not `application/json` (or a `+json` type), names a charset other than UTF-8, or carries a `content-encoding`. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The database is busy or unreachable, or the scheduler is shutting down; retry after
         *     `Retry-After` seconds.
         */
        Unavailable: {
            headers: {
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        WorkerId: string;
        JobId: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    listJobs: {
        parameters: {
            query?: {
                /** @description One or more statuses; repeat the parameter or separate with commas. */
                status?: components["schemas"]["JobStatus"][];
                type?: components["schemas"]["JobType"];
                queue?: components["schemas"]["QueueName"];
                parent_id?: string;
                /** @description Only jobs created at or after this instant (any precision; jobs are stamped in whole milliseconds). Between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z. */
                created_after?: string;
                /** @description Only jobs created strictly before this instant (any precision; jobs are stamped in whole milliseconds). Between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z. */
                created_before?: string;
                limit?: number;
                /** @description The `next_cursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of jobs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    enqueueJob: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["JobInput"];
            };
        };
        responses: {
            /** @description A job with this idempotency key already exists; nothing was created. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The job was stored durably. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    enqueueJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["JobBatchInput"];
            };
        };
        responses: {
            /** @description The jobs, in the order given. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnqueuedJobs"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    listJobEvents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every transition of the job (heartbeats are not recorded). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobEventList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    cancelJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job was pending and is now cancelled. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The job is running; cancellation was requested from its agent. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    retryJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RetryInput"];
            };
        };
        responses: {
            /** @description The job is pending again. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    leaseJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LeaseInput"];
            };
        };
        responses: {
            /** @description The leased jobs, possibly none. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LeaseResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    heartbeatJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HeartbeatInput"];
            };
        };
        responses: {
            /** @description The lease was extended. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HeartbeatResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    heartbeatJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HeartbeatBatchInput"];
            };
        };
        responses: {
            /** @description Every heartbeat was applied or refused; see each result. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HeartbeatBatchResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    completeJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CompleteInput"];
            };
        };
        responses: {
            /** @description The report was applied (or had already been); the job as it now stands. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    reportJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReportBatchInput"];
            };
        };
        responses: {
            /** @description Every report was applied or refused; see each result. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportBatchResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    listWorkers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Agents heard from (a poll, a heartbeat or a report) within the last hour, most recently first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    getStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Counts per status, queue and type. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stats"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    drainWorker: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["WorkerId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The worker is asked to drain. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerDrain"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["WorkerNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    undrainWorker: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["WorkerId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The worker is no longer asked to drain. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerDrain"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["WorkerNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is serving requests. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Not ready; `reason` says why. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    getContract: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI contract, verbatim. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": string;
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
}
