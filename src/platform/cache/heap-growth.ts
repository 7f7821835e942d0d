/**
 * How far V8 lets the heap grow past what is live before it collects the old generation. By default the
 * factor is dynamic, up to 4× when allocation is fast (a flood of misses) and the process may use gigabytes:
 * with bentocache's L1 strings live on the heap, a 256 MB cache took the process to 940 MB RSS, and forcing
 * a full collection there showed 557 MB of heap in use of which 222 MB live. Bounding the factor makes the
 * cache's budget bound the process; the price is more frequent full collections while the heap grows under
 * a flood (a hit allocates little and rarely promotes anything, so it does not pay it).
 *
 * A process-wide V8 setting, so the entry that runs a server process applies it (server.ts), not buildApp;
 * applying it again changes nothing.
 */
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to 1.3× its live size before a full collection (V8: 1.1× to 4×, dynamic). */
const HEAP_GROWING_PERCENT = 30;

export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
