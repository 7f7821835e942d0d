import { describe, expect, it } from 'vitest';
import { connectionSteps, dailyUsersFor, DEFAULT_ASSUMPTIONS } from './capacity.js';

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
