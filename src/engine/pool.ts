/**
 * Run `worker` over items pulled one at a time from `next` by `concurrency` loops.
 * `next` is synchronous so it can page through the store lazily; it returns undefined when done.
 * Resolves when every loop has ended; the first error thrown by a worker rejects (after the others stop).
 */
export async function runPool<T>(next: () => T | undefined, concurrency: number, worker: (item: T) => Promise<void>): Promise<void> {
  let failure: unknown;
  let failed = false;
  const loop = async () => {
    for (;;) {
      if (failed) return;
      const item = next();
      if (item === undefined) return;
      try {
        await worker(item);
      } catch (e) {
        if (!failed) { failed = true; failure = e; }
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, loop));
  if (failed) throw failure;
}

/** A lazy iterator over pages: calls `fetch(cursor)` when the current page is used up. */
export function paged<T>(fetch: (after: number) => T[], cursorOf: (item: T) => number, start = -1): () => T | undefined {
  let page: T[] = [];
  let i = 0;
  let after = start;
  let done = false;
  return () => {
    if (i >= page.length) {
      if (done) return undefined;
      page = fetch(after);
      i = 0;
      if (page.length === 0) { done = true; return undefined; }
      after = cursorOf(page[page.length - 1]);
    }
    return page[i++];
  };
}
