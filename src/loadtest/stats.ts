/** Latency statistics: nearest-rank percentiles over every recorded sample (no sampling, no buckets). */

/** The p-th percentile (0 < p ≤ 100) of ascending `sorted` by the nearest-rank method; 0 for no samples. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** A growable list of latencies in ms; typed storage keeps a few million samples cheap. */
export class LatencySamples {
  private values = new Float64Array(1024);
  length = 0;

  add(ms: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length] = ms;
    this.length += 1;
  }

  sorted(): Float64Array {
    return this.values.slice(0, this.length).sort();
  }
}

/** What one step kind (or the total) did in a run. */
export interface StepSummary {
  requests: number;
  /** Requests per second over the run's measured time. */
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** No answer, or an answer with a status the step did not expect. */
  errors: number;
  /** Steps whose status and content assertion both held. */
  checksPassed: number;
}

/** Counters for one step kind while a run goes on. */
export class StepTally {
  readonly latencies = new LatencySamples();
  errors = 0;
  checksPassed = 0;

  record(latencyMs: number, error: boolean, checkPassed: boolean): void {
    this.latencies.add(latencyMs);
    if (error) this.errors += 1;
    if (checkPassed) this.checksPassed += 1;
  }

  summarise(elapsedS: number): StepSummary {
    const sorted = this.latencies.sorted();
    return {
      requests: sorted.length,
      rps: elapsedS > 0 ? sorted.length / elapsedS : 0,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
      errors: this.errors,
      checksPassed: this.checksPassed,
    };
  }
}
