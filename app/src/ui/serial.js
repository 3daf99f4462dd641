// Runs an async refresh so that calls never overlap: calls made while one runs are folded into
// one more run afterwards, their contexts merged (events joined, flags kept, latest status).

/** Merges two refresh contexts of the hub. */
export function mergeContexts(a, b) {
  if (!a) return b;
  return {
    ...b,
    events: [...(a.events ?? []), ...(b.events ?? [])],
    slotChanged: Boolean(a.slotChanged || b.slotChanged),
    accountChanged: Boolean(a.accountChanged || b.accountChanged),
    initial: Boolean(a.initial || b.initial),
  };
}

/** `fn(ctx)` made serial; errors go to `onError`. */
export function serial(fn, onError = (error) => console.error(error)) {
  let running = null;
  let queued = null;
  const run = async (ctx) => {
    try {
      await fn(ctx);
    } catch (error) {
      onError(error);
    }
  };
  return function call(ctx) {
    if (running) {
      queued = mergeContexts(queued, ctx);
      return running;
    }
    running = (async () => {
      await run(ctx);
      while (queued) {
        const next = queued;
        queued = null;
        await run(next);
      }
      running = null;
    })();
    return running;
  };
}
