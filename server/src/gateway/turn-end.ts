/**
 * Socket writes of one event-loop turn, sent together at its end.
 *
 * A loaded gateway finishes many requests per turn (one poll phase hands it every upstream answer
 * that arrived). Written as each finishes, every answer wakes its reader again: on a machine where
 * that reader sleeps between answers (a client or provider on the same host, the benchmark's
 * loopback peers), each write pays a cross-CPU wake-up in the kernel, which cost the gateway about
 * as much as all its own JavaScript per request. Queued here and written back to back once the
 * poll phase is over (setImmediate), a turn's writes wake each peer once. An idle gateway still
 * writes at once: the turn ends right after the one request's callbacks.
 *
 * No library queues work for the end of a libuv turn; this is a queue of (job, a, b) triples, so the
 * hot path allocates no closure per write.
 */

type Job<A, B> = (a: A, b: B) => void;

let queue: unknown[] = [];
let spare: unknown[] = [];
let scheduled = false;

/** Runs `job(a, b)` once the current event-loop turn's I/O callbacks are done (in queue order). */
export function atTurnEnd<A, B>(job: Job<A, B>, a: A, b: B): void {
  queue.push(job, a, b);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

function flush(): void {
  scheduled = false;
  // Swapped before running: a job that queues another (a write whose callback finishes a request)
  // lands in the next turn's batch, never in the one being run.
  const jobs = queue;
  queue = spare;
  spare = jobs;
  for (let i = 0; i < jobs.length; i += 3) {
    try {
      (jobs[i] as Job<unknown, unknown>)(jobs[i + 1], jobs[i + 2]);
    } catch (err) {
      // One failing job must not strand the rest of the turn's writes; the error still surfaces
      // as an uncaught exception would have where the job was queued.
      queueMicrotask(() => {
        throw err;
      });
    }
  }
  jobs.length = 0;
}
