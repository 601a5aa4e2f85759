import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * MikroORM keeps three AsyncLocalStorage instances (TransactionContext for `em.transactional`,
 * RequestContext, and UnitOfWork's "inside flush" flag used by every `em.flush()`). On Node < 24
 * an AsyncLocalStorage that has run once switches async_hooks promise hooks on for the whole
 * process and leaves them on, so after the first sign-up or admin mutation every promise of every
 * /v1 request paid for the hooks (issue 13).
 *
 * MikroORM creates its storages with `globalThis.AsyncLocalStorage` when that is defined (its hook
 * for runtimes without node:async_hooks). This module defines it as `ScopedAsyncLocalStorage`:
 * the same AsyncLocalStorage, but when the last `run()` in flight (of any scoped instance) has
 * settled, every scoped instance is disabled, which switches the hooks off again. Between admin
 * operations the process runs without promise hooks; during one, the storages behave exactly as
 * Node's. What MikroORM puts in a store is only read inside the callback's own async flow (the
 * transaction's fork, the flush flag), which has ended when its promise settles.
 *
 * It must be imported before anything that imports `@mikro-orm/*` (first import of main.ts,
 * server.ts and db/orm.ts); `scopedOrmContextsInstalled()` lets start-up check that it was.
 */

/** `run()` calls whose callback (or its promise) has not finished yet, over every scoped instance. */
let running = 0;
/** Once `enterWith` is used the store outlives any callback: that instance is never switched off. */
const pinned = new WeakSet<AsyncLocalStorage<unknown>>();
const instances = new Set<ScopedAsyncLocalStorage<unknown>>();

function settled(): void {
  running--;
  if (running > 0) return;
  for (const storage of instances) if (!pinned.has(storage)) storage.disable();
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

export class ScopedAsyncLocalStorage<T> extends AsyncLocalStorage<T> {
  constructor() {
    super();
    instances.add(this as ScopedAsyncLocalStorage<unknown>);
  }

  // The signature is Node's (callback arguments are untyped there too).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override run<R, TArgs extends any[]>(store: T, callback: (...args: TArgs) => R, ...args: TArgs): R {
    running++;
    let result: R;
    try {
      result = super.run(store, callback, ...args);
    } catch (err) {
      settled();
      throw err;
    }
    // Both outcomes end the scope; the caller still sees the rejection through `result`.
    if (isPromiseLike(result)) result.then(settled, settled);
    else settled();
    return result;
  }

  override enterWith(store: T): void {
    pinned.add(this as AsyncLocalStorage<unknown>);
    super.enterWith(store);
  }
}

const holder = globalThis as { AsyncLocalStorage?: unknown };
holder.AsyncLocalStorage ??= ScopedAsyncLocalStorage;

/** Whether MikroORM's storages are scoped ones (false when @mikro-orm/core was loaded before this module). */
export function scopedOrmContextsInstalled(transactionContextStorage: unknown): boolean {
  return transactionContextStorage instanceof ScopedAsyncLocalStorage;
}
