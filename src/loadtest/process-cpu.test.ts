import { describe, expect, it } from 'vitest';
import { cpuReadingOf, cpuUsPerRequest, parseProcStat, parseVmRssKb, postgresBackendDatabase, ticksBetween, treeOf, type ProcStat } from './process-cpu.js';

// Captured from this machine (a postmaster started by systemd), and a name with spaces and parentheses.
const POSTMASTER = '2229 (postgres) S 1 2229 2229 0 -1 4194304 3916 12751 0 6 0 2 4 10 20 0 1 0 4301 222445568 7358 18446744073709551615 94192452657152 0 0 0 0 0';
const ODD_NAME = '4242 (a) b (c)) R 77 4242 4242 0 -1 4194304 99 0 0 0 15 3 1 2 20 0 1 0 39331 3133440 385';

describe('parsing /proc/<pid>/stat', () => {
  it('reads the pid, parent and the four CPU times', () => {
    expect(parseProcStat(POSTMASTER)).toEqual({ pid: 2229, comm: 'postgres', ppid: 1, utime: 0, stime: 2, cutime: 4, cstime: 10 });
  });

  it('counts fields from the last parenthesis, so a name with spaces and ")" does not shift them', () => {
    expect(parseProcStat(ODD_NAME)).toEqual({ pid: 4242, comm: 'a) b (c)', ppid: 77, utime: 15, stime: 3, cutime: 1, cstime: 2 });
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseProcStat('no parentheses here')).toThrow(/not a \/proc/);
    expect(() => parseProcStat('12 (x) S 1 2')).toThrow(/field 14/);
  });
});

describe('parsing /proc/<pid>/status', () => {
  it('reads VmRSS in kB, and 0 when there is none (a zombie)', () => {
    expect(parseVmRssKb('Name:\tnode\nVmHWM:\t  200000 kB\nVmRSS:\t  183456 kB\nRssAnon:\t 1 kB\n')).toBe(183_456);
    expect(parseVmRssKb('Name:\tnode\nState:\tZ (zombie)\n')).toBe(0);
  });
});

describe('recognising a PostgreSQL backend by its title', () => {
  it('names the database of a backend, with or without a cluster name, over TCP or a socket', () => {
    expect(postgresBackendDatabase('postgres: postgres gadizone 127.0.0.1(54560) INSERT')).toBe('gadizone');
    expect(postgresBackendDatabase('postgres: 15/main: postgres gadizone_bench 127.0.0.1(43210) idle\0\0')).toBe('gadizone_bench');
    expect(postgresBackendDatabase('postgres: app shop [local] SELECT')).toBe('shop');
  });

  it('gives null for background processes and for other programs', () => {
    expect(postgresBackendDatabase('postgres: 15/main: checkpointer ')).toBeNull();
    expect(postgresBackendDatabase('postgres: 15/main: background writer ')).toBeNull();
    expect(postgresBackendDatabase('postgres: logical replication launcher ')).toBeNull();
    expect(postgresBackendDatabase('/usr/lib/postgresql/15/bin/postgres\0-D\0/var/lib/postgresql/15/main\0')).toBeNull();
  });
});

const stat = (pid: number, ppid: number, utime: number, stime = 0, cutime = 0, cstime = 0): ProcStat => ({ pid, comm: 'x', ppid, utime, stime, cutime, cstime });

describe('CPU of the server between two readings', () => {
  it('walks the whole tree under a root and nothing else', () => {
    const stats = [stat(1, 0, 0), stat(10, 1, 0), stat(11, 10, 0), stat(12, 11, 0), stat(20, 1, 0), stat(13, 10, 0)];
    expect(treeOf(10, stats).map((s) => s.pid).sort()).toEqual([10, 11, 12, 13]);
    expect(treeOf(99, stats)).toEqual([]);
  });

  it('keeps a child that exited during the run: its CPU moves into its parent reaped-children times', () => {
    // Before: primary 10 (5 ticks), worker 11 (100). After: worker 11 exited at 130 ticks and was reaped
    // (cutime 130), worker 12 started and used 40; the primary used 3 more. Spent: 30 + 40 + 3.
    const before = cpuReadingOf([stat(10, 1, 5), stat(11, 10, 80, 20)], [10], []);
    const after = cpuReadingOf([stat(10, 1, 7, 1, 100, 30), stat(12, 10, 30, 10)], [10], []);
    expect(ticksBetween(before, after)).toBe(73);
  });

  it("adds external backends' own time: the difference for survivors, all of it for new ones", () => {
    const before = cpuReadingOf([stat(10, 1, 5), stat(500, 2, 50, 10), stat(501, 2, 7)], [10], [500, 501]);
    const after = cpuReadingOf([stat(10, 1, 6), stat(500, 2, 70, 15), stat(502, 2, 4, 1)], [10], [500, 502]);
    // tree 1 + backend 500: 25 + new backend 502: 5 (501 exited outside the tree: lost, as documented)
    expect(ticksBetween(before, after)).toBe(31);
  });

  it('divides by requests, and gives 0 for none', () => {
    expect(cpuUsPerRequest(1_500_000, 10_000)).toBe(150);
    expect(cpuUsPerRequest(1_000, 0)).toBe(0);
  });
});
