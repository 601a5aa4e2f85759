import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * tiktoken's encoder in a worker thread, asked synchronously.
 *
 * Why a thread: building the o200k encoder takes 0.2 s of CPU on an idle core and up to 0.8 s
 * under load (bench/RESULTS.md, session 18). Built on the event loop, on the first request that
 * needed a local estimate (a client that disconnects, a key with a tokens-per-minute limit, a
 * Messages client on an OpenAI-format provider), it froze every request and stream in flight
 * for that long. Built here, it only takes CPU beside them.
 *
 * Why synchronous: estimates are made in synchronous steps of the pipeline (settling, rate
 * limits, a stream's first frame). The caller writes the text into shared memory and waits on
 * Atomics for the count: the encoding's own time, as before, plus a thread hand-off.
 *
 * The thread starts on first need, as the encoder's memory (~80 MB) did before, so deployments
 * whose providers always report usage never pay it. Until it is ready, `count` returns
 * undefined and the caller estimates by characters. Written by hand: no library offers a
 * synchronous call into a worker (synckit would spawn the thread per module with a tsx loader;
 * this is one shared buffer and two Atomics calls).
 */

/** control[0]: the state word both sides wait on; control[1]: the request's byte length, then the answer's count (-1: failed). */
const IDLE = 0;
const REQUEST = 1;
const DONE = 2;

/** 256 Ki UTF-16 units (tokens.ts's exact limit) take at most 768 KiB of UTF-8. */
const TEXT_BYTES = 3 * 256 * 1024;
/**
 * A thread that does not answer in this long is taken for dead: estimates go on by characters.
 * The longest text it is given (256 Ki characters, ~64k tokens) encodes in well under that.
 */
const ANSWER_TIMEOUT_MS = 1_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { get_encoding } = require(workerData.tiktoken);
const encoder = get_encoding(workerData.encoding);
const control = new Int32Array(workerData.control);
const text = new Uint8Array(workerData.text);
const decoder = new TextDecoder();
parentPort.postMessage('ready');
for (;;) {
  Atomics.wait(control, 0, ${IDLE});
  if (Atomics.load(control, 0) !== ${REQUEST}) continue;
  let count = -1;
  try {
    // encode_ordinary: text such as "<|endoftext|>" is counted as text instead of throwing.
    count = encoder.encode_ordinary(decoder.decode(text.subarray(0, control[1]))).length;
  } catch {}
  control[1] = count;
  Atomics.store(control, 0, ${DONE});
  Atomics.notify(control, 0);
  // Back to waiting once the caller has read the answer and set the word to IDLE.
  Atomics.wait(control, 0, ${DONE});
}
`;

/** The thread and the memory shared with it, made on first need. */
interface Running {
  worker: Worker;
  control: Int32Array;
  text: Uint8Array;
  /** Resolves once the thread counts, or has failed. */
  started: Promise<void>;
}

export class TokenizerThread {
  private readonly encoder = new TextEncoder();
  private running: Running | undefined;
  /** Set once the thread has built its encoder; cleared for good when it fails (estimates then go by characters). */
  private ready = false;

  constructor(private readonly encoding: string) {}

  /** Starts the thread unless it runs; resolves once it can count (or has failed: estimates then go by characters). */
  start(): Promise<void> {
    if (this.running) return this.running.started;
    const control = new Int32Array(new SharedArrayBuffer(8));
    const text = new Uint8Array(new SharedArrayBuffer(TEXT_BYTES));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { tiktoken: createRequire(import.meta.url).resolve('tiktoken'), encoding: this.encoding, control: control.buffer, text: text.buffer },
    });
    // Never keeps the process alive.
    worker.unref();
    const started = new Promise<void>((resolve) => {
      worker.once('message', () => {
        this.ready = true;
        resolve();
      });
      const fail = () => {
        this.ready = false;
        resolve();
      };
      worker.once('error', fail);
      worker.once('exit', fail);
    });
    this.running = { worker, control, text, started };
    return started;
  }

  /** Tokens in `text`, or undefined while the thread is not ready (it is started then). Text over TEXT_BYTES is the caller's to sample. */
  count(text: string): number | undefined {
    const running = this.running;
    if (!this.ready || !running) {
      void this.start();
      return undefined;
    }
    const { read, written } = this.encoder.encodeInto(text, running.text);
    if (read !== text.length) return undefined;
    if (written === 0) return 0;
    const { control } = running;
    control[1] = written;
    Atomics.store(control, 0, REQUEST);
    Atomics.notify(control, 0);
    const answered = Atomics.wait(control, 0, REQUEST, ANSWER_TIMEOUT_MS) !== 'timed-out' || Atomics.load(control, 0) === DONE;
    const count = control[1];
    Atomics.store(control, 0, IDLE);
    Atomics.notify(control, 0);
    if (!answered || count === undefined || count < 0) {
      if (!answered) this.fail();
      return undefined;
    }
    return count;
  }

  private fail(): void {
    this.ready = false;
    void this.running?.worker.terminate();
  }
}
