import { describe, expect, it } from 'vitest';
import { connectionSteps, cpuBoundRps, dailyUsersFor, DEFAULT_ASSUMPTIONS, formatCapacity, PESSIMISTIC_ASSUMPTIONS, projectionsFor, type CapacityResult, type CapacityStep } from './capacity.js';

describe('daily users from sustained requests per second', () => {
  it('divides the average rate over a day by the origin requests of a visit', () => {
    // 1,200 req/s at peak, peak 3× the average → 400 req/s × 86,400 s = 34,560,000 requests a day;
    // a visit is 6 pages × 2 requests × (1 − 0.5) = 6 origin requests → 5,760,000 visits, one per user.
    const { dailyUsers, working } = dailyUsersFor(1_200, DEFAULT_ASSUMPTIONS);
    expect(dailyUsers).toBeCloseTo(5_760_000, 6);
    expect(working.join('\n')).toContain('= 5,760,000');
    expect(working.join('\n')).toContain('6 × 2 × (1 − 0.5) = 6.00');
  });

  it('follows each assumption', () => {
    const base = dailyUsersFor(1_000, DEFAULT_ASSUMPTIONS).dailyUsers;
    expect(dailyUsersFor(2_000, DEFAULT_ASSUMPTIONS).dailyUsers).toBeCloseTo(base * 2, 6);
    expect(dailyUsersFor(1_000, { ...DEFAULT_ASSUMPTIONS, peakToAverage: 6 }).dailyUsers).toBeCloseTo(base / 2, 6);
    expect(dailyUsersFor(1_000, { ...DEFAULT_ASSUMPTIONS, pagesPerVisit: 12 }).dailyUsers).toBeCloseTo(base / 2, 6);
    expect(dailyUsersFor(1_000, { ...DEFAULT_ASSUMPTIONS, cacheHitShare: 0 }).dailyUsers).toBeCloseTo(base / 2, 6);
    expect(dailyUsersFor(1_000, { ...DEFAULT_ASSUMPTIONS, visitsPerUser: 2 }).dailyUsers).toBeCloseTo(base / 2, 6);
  });
});

describe('capacity steps', () => {
  it('double from 10 connections and end at the maximum', () => {
    expect(connectionSteps(640)).toEqual([10, 20, 40, 80, 160, 320, 640]);
    expect(connectionSteps(100)).toEqual([10, 20, 40, 80, 100]);
    expect(connectionSteps(10)).toEqual([10]);
  });
});

describe('the pessimistic assumptions', () => {
  it('are 10 pages per visit, 3 requests per page, peak 4× the average, no CDN', () => {
    expect(PESSIMISTIC_ASSUMPTIONS).toEqual({ pagesPerVisit: 10, requestsPerPage: 3, peakToAverage: 4, cacheHitShare: 0, visitsPerUser: 1 });
  });

  it('turn 7,000 req/s into 5,040,000 daily users', () => {
    // 7,000 ÷ 4 = 1,750 req/s average × 86,400 s = 151,200,000 requests a day ÷ (10 × 3 × 1) = 5,040,000 visits.
    const { dailyUsers, working } = dailyUsersFor(7_000, PESSIMISTIC_ASSUMPTIONS);
    expect(dailyUsers).toBeCloseTo(5_040_000, 6);
    expect(working.join('\n')).toContain('10 × 3 × (1 − 0) = 30.00');
  });
});

describe('the CPU-bound rate', () => {
  it('is the cores\' µs per second divided by the µs a request costs', () => {
    expect(cpuBoundRps(280, 2)).toBeCloseTo(7_142.857, 2);
    expect(cpuBoundRps(1_000, 4)).toBe(4_000);
    expect(cpuBoundRps(0, 2)).toBe(0);
  });
});

const step = (rps: number, cpuUsPerRequest: number | null): CapacityStep => ({ connections: 160, rps, p50Ms: 20, p99Ms: 180, errorRate: 0, passed: true, cpuUsPerRequest });

describe('projections', () => {
  it('give both assumption sets at the sustained and at the CPU-bound rate', () => {
    const [stated, pessimistic] = projectionsFor(step(1_200, 500), DEFAULT_ASSUMPTIONS, 2);
    expect(stated!.atSustained.dailyUsers).toBeCloseTo(5_760_000, 6);
    // 2 cores ÷ 500 µs = 4,000 req/s: 4,000 ÷ 3 × 86,400 ÷ 6 = 19,200,000 stated; 4,000 ÷ 4 × 86,400 ÷ 30 = 2,880,000 pessimistic.
    expect(stated!.atCpuBound!.dailyUsers).toBeCloseTo(19_200_000, 6);
    expect(pessimistic!.atSustained.dailyUsers).toBeCloseTo((1_200 / 4) * 86_400 / 30, 6);
    expect(pessimistic!.atCpuBound!.dailyUsers).toBeCloseTo(2_880_000, 6);
  });

  it('leave the CPU-bound rate out when the CPU was not measured', () => {
    expect(projectionsFor(step(1_200, null), DEFAULT_ASSUMPTIONS, 2).map((p) => p.atCpuBound)).toEqual([null, null]);
  });
});

describe('the printed report', () => {
  const result = (cpu: number | null): CapacityResult => {
    const best = step(1_200, cpu);
    return { target: 'embedded', stepDurationS: 15, steps: [best], best, assumptions: DEFAULT_ASSUMPTIONS, dailyUsers: null, cores: 2, projections: projectionsFor(best, DEFAULT_ASSUMPTIONS, 2) };
  };

  it('shows the CPU per request, the CPU-bound rate and daily users under both sets with their assumptions', () => {
    const text = formatCapacity(result(500));
    expect(text).toContain('server CPU per request at that step: 500 µs');
    expect(text).toContain('2 cores × 1,000,000 µs ÷ 500 µs = 4,000 req/s');
    expect(text).toMatch(/\| stated +\| +6 \| +2 \| +3 \| +0\.5 \| +1 \| +5,760,000 \| +19,200,000 \|/);
    expect(text).toMatch(/\| pessimistic +\| +10 \| +3 \| +4 \| +0 \| +1 \| +864,000 \| +2,880,000 \|/);
    expect(text).toContain('pessimistic assumptions (fixed: 10 pages per visit, 3 requests per page, peak 4× the average, no CDN)');
  });

  it('says why there is no CPU figure for a --target', () => {
    const text = formatCapacity(result(null));
    expect(text).toContain('server CPU per request: not measured');
    expect(text).not.toContain('CPU-bound');
  });
});
