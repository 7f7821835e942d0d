/**
 * The in-process ingest buffer. Requests add events and are answered at once; the buffer writes them in
 * batches: a full batch as soon as it fills, and whatever is there every interval. One write runs at a time
 * and each write is one statement, so 2,000 events a second cost 4–5 INSERTs, not 2,000.
 *
 * Bounded: at most `maxBuffered` events wait (those being written included); beyond that new events are
 * refused and counted, so a database outage costs memory up to the bound and never more. A failed write
 * puts its batch back in front, to be written by the next interval's attempt (no retry storm: full batches
 * do not trigger writes again until then).
 */

export interface EventBufferOptions<T> {
  /** Writes one batch (one statement); rejects when nothing was written. */
  write(batch: T[]): Promise<void>;
  /** Events waiting at most, in-flight batch included. Default 10,000. */
  maxBuffered?: number;
  /** Events per write. Default 500. */
  batchSize?: number;
  /** Everything buffered is written at least this often. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** Told about each write: its size, how long it took and whether it succeeded. */
  onWrite?(events: number, seconds: number, error: unknown): void;
  /** Told the number of buffered events whenever it changes. */
  onSize?(buffered: number): void;
}

export interface EventBufferStats {
  /** Batches written (each one INSERT). */
  writes: number;
  /** Events written. */
  written: number;
  failedWrites: number;
  /** Events refused because the buffer was full. */
  refused: number;
  buffered: number;
}

const DEFAULT_MAX_BUFFERED = 10_000;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_FLUSH_INTERVAL_MS = 1_000;

export function createEventBuffer<T>(options: EventBufferOptions<T>) {
  const maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const intervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  let pending: T[] = [];
  let inFlight = 0;
  let running: Promise<void> | null = null;
  let wantAll = false;
  let wantFull = false;
  /** After a failed write, full batches wait for the interval instead of trying again at once. */
  let backingOff = false;
  let timer: NodeJS.Timeout | null = null;
  const stats = { writes: 0, written: 0, failedWrites: 0, refused: 0 };

  const size = () => pending.length + inFlight;
  const reportSize = () => options.onSize?.(size());

  async function writeBatch(count: number): Promise<boolean> {
    const batch = pending.splice(0, count);
    inFlight = batch.length;
    const started = performance.now();
    try {
      await options.write(batch);
      options.onWrite?.(batch.length, (performance.now() - started) / 1000, null);
      stats.writes += 1;
      stats.written += batch.length;
      return true;
    } catch (error) {
      options.onWrite?.(batch.length, (performance.now() - started) / 1000, error);
      stats.failedWrites += 1;
      pending = batch.concat(pending);
      return false;
    } finally {
      inFlight = 0;
      reportSize();
    }
  }

  /**
   * Writes full batches; on an "all" request also the events that were waiting when it started, but not
   * those that arrive meanwhile (chasing them under load would turn every batch into a small one).
   */
  async function run(): Promise<void> {
    while (wantAll || wantFull) {
      let owed = wantAll ? pending.length : 0;
      wantAll = false;
      wantFull = false;
      while (pending.length >= batchSize || owed > 0) {
        const count = Math.min(batchSize, pending.length);
        if (count === 0) break;
        if (!(await writeBatch(count))) {
          backingOff = true;
          return;
        }
        backingOff = false;
        owed -= count;
      }
    }
  }

  /** Starts a write run unless one is going; the running one picks up the request. Never rejects. */
  function request(all: boolean): Promise<void> {
    if (all) wantAll = true;
    else wantFull = true;
    running ??= run().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    /** Queues events; returns how many were accepted (the rest were refused: the buffer is full). */
    add(events: readonly T[]): number {
      const room = Math.max(0, maxBuffered - size());
      const accepted = Math.min(room, events.length);
      for (let i = 0; i < accepted; i += 1) pending.push(events[i] as T);
      stats.refused += events.length - accepted;
      reportSize();
      if (pending.length >= batchSize && !backingOff) void request(false);
      return accepted;
    },

    /** Writes everything buffered now; resolves when done or after the first failed write. */
    flush(): Promise<void> {
      return request(true);
    },

    stats(): EventBufferStats {
      return { ...stats, buffered: size() };
    },

    start(): void {
      timer ??= setInterval(() => void request(true), intervalMs);
      timer.unref();
    },

    /** Stops the interval and writes what is left (one attempt); returns the events that could not be written. */
    async stop(): Promise<number> {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
      await request(true);
      return size();
    },
  };
}
export type EventBuffer<T> = ReturnType<typeof createEventBuffer<T>>;
