/**
 * Preloaded into the benchmark's server processes (`node --expose-gc --import …/gc-on-signal.ts`): on
 * SIGUSR2, run two full garbage collections and send the heap figures to the parent over the IPC
 * channel the benchmark opened. Resident-memory readings then compare live data, not whatever garbage
 * the process happened to hold (startup alone leaves hundreds of MB until V8's idle memory reducer runs,
 * tens of seconds later). Nothing else in the process changes.
 */
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { heapUsed, heapTotal, external } = process.memoryUsage();
  process.send?.({ gc: { heapUsed, heapTotal, external } });
});
