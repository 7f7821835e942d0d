/**
 * What the read router needs to know about the request a statement runs for, carried through its async
 * calls (AsyncLocalStorage). Entered only when replicas are configured; without them nothing is stored
 * and `noteRequestWrite` finds no request.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyRequest } from 'fastify';

export interface RequestReadState {
  readonly request: FastifyRequest;
  /** Set from the start: the method writes, or the sender wrote moments ago (cookie). */
  primary: boolean;
  /** A transaction of this request committed: its later reads, and its sender's next ones, see the primary. */
  wrote: boolean;
}

export const readContext = new AsyncLocalStorage<RequestReadState>();

/** Called after a transaction commits (db.ts): the request that ran it reads from the primary from now on. */
export function noteRequestWrite(): void {
  const state = readContext.getStore();
  if (state !== undefined) state.wrote = true;
}
