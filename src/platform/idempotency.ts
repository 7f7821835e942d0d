/**
 * Idempotent public writes. With an `Idempotency-Key`, the first request's outcome is stored in the same
 * transaction as its write; a retry with the same key and body gets that outcome again without a second
 * write, and the same key with a different body is refused. Concurrent retries serialise on the key's row.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import { transaction, type Database, type Executor } from './db.js';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** Validates the header value: 1–200 visible ASCII characters, or absent. */
export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
    throw new AppError('BAD_REQUEST', 'Idempotency-Key must be 1 to 200 visible ASCII characters, sent once');
  }
  return header;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Runs `write` in a transaction and commits its response with it; with a key already used, returns the
 * stored response instead (`replayed: true`).
 */
export async function idempotentWrite(
  pool: Database,
  scope: string,
  key: string | undefined,
  requestBody: unknown,
  write: (client: Executor) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  const requestHash = createHash('sha256').update(canonical(requestBody)).digest('hex');
  return transaction(pool, async (client) => {
    if (key !== undefined) {
      // Blocks while a concurrent request holding the same key is still in flight.
      const claimed = await client.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response_body)
         VALUES ($1, $2, $3, 0, 'null') ON CONFLICT DO NOTHING`,
        [scope, key, requestHash],
      );
      if (claimed.rowCount === 0) {
        const { rows } = await client.query<{ requestHash: string; statusCode: number; body: unknown }>(
          'SELECT request_hash AS "requestHash", status_code AS "statusCode", response_body AS body FROM idempotency_keys WHERE scope = $1 AND key = $2',
          [scope, key],
        );
        const stored = rows[0];
        if (!stored || stored.requestHash !== requestHash) {
          throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different request body');
        }
        return { statusCode: stored.statusCode, body: stored.body, replayed: true };
      }
    }
    const response = await write(client);
    if (key !== undefined) {
      await client.query('UPDATE idempotency_keys SET status_code = $3, response_body = $4 WHERE scope = $1 AND key = $2', [
        scope,
        key,
        response.statusCode,
        JSON.stringify(response.body),
      ]);
    }
    return { ...response, replayed: false };
  });
}

/** True when `key` already holds an answer in `scope`: a retry, which rate limits must not count again. */
export async function isRetry(pool: Database, scope: string, key: string | undefined): Promise<boolean> {
  if (key === undefined) return false;
  const { rowCount } = await pool.query('SELECT 1 FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status_code <> 0', [scope, key]);
  return rowCount === 1;
}
