/**
 * Carries "user N changed" between processes, so an admin change reaches every process's user-state
 * cache on receipt instead of after its TTL. It rides the transports the response cache's bus is made of
 * (its own channel, so neither sees the other's messages): Redis pub/sub when Redis is configured,
 * cluster IPC through the primary for workers without Redis (the primary relays every bus message),
 * none for a single process without Redis (nothing else to tell).
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { createIpcBusTransport } from '../../platform/cache/ipc-bus.js';
import { createRedisBusTransport, type BusTransport } from '../../platform/cache/redis-bus.js';
import { redisTarget } from '../../platform/redis.js';

interface UserChanged {
  userId: number;
}

/**
 * How long start-up waits for the subscription before going on (it completes when Redis is back). Short:
 * a change missed meanwhile is still bounded by the cache's TTL, and the cache plugin already waited for Redis.
 */
const SUBSCRIBE_WAIT_MS = 1_000;

const isUserChanged = (payload: unknown): payload is UserChanged =>
  typeof payload === 'object' && payload !== null && Number.isSafeInteger((payload as UserChanged).userId);

export interface UserStateBus {
  /** Sends the change; a failure is logged, not thrown (the receivers' TTL still bounds the staleness). */
  publish(userId: number): Promise<void>;
  close(): Promise<void>;
}

export interface UserStateBusHandlers {
  onChange(userId: number): void;
  /** The transport reconnected: changes published meanwhile may have been missed. */
  onReconnect(): void;
}

/** Null when this process is the only one (no Redis, not a cluster worker). */
export async function createUserStateBus(config: Config, log: FastifyBaseLogger, handlers: UserStateBusHandlers): Promise<UserStateBus | null> {
  const target = redisTarget(config);
  let transport: BusTransport;
  if (target !== null) transport = createRedisBusTransport(target, 'gadizone-user-bus');
  else if (cluster.isWorker) transport = createIpcBusTransport();
  else return null;

  const channel = `${config.redisPrefix}:admin-user-state`;
  transport.setId(randomUUID());
  transport.onReconnect(handlers.onReconnect);
  // The Redis subscriber queues the SUBSCRIBE until it is connected: wait a little for it, never fail start-up.
  const subscribed = transport
    .subscribe<unknown>(channel, (payload) => {
      if (isUserChanged(payload)) handlers.onChange(payload.userId);
    })
    .catch((error: unknown) => log.warn({ err: error }, 'admin user-state bus: subscribing failed'));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([subscribed, new Promise((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)))]);
  clearTimeout(timer);
  return {
    async publish(userId) {
      try {
        await transport.publish(channel, { userId } satisfies UserChanged);
      } catch (error) {
        log.warn({ err: error, userId }, 'admin user-state bus: publishing a change failed; other processes see it within their cache TTL');
      }
    },
    close: () => transport.disconnect(),
  };
}
