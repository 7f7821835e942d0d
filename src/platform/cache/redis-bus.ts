/**
 * The Redis transport of bentocache's invalidation bus, on our own connections. Bentocache's bundled
 * transport duplicates the connection it is given, and the duplicates have no error listener, so every
 * reconnect attempt during a Redis outage prints "Unhandled error event"; ours are made by createRedis
 * (errors handled, reconnecting with a bounded back-off). Same protocol: publish/subscribe of
 * `{ busId, payload }` JSON, ignoring this process's own messages.
 */
import { closeRedis, createRedis, type RedisClient, type RedisTarget } from '../redis.js';

/** A subscriber as stored: it takes the decoded payload, whatever its type (see `receiving`). */
type Handler = (payload: unknown) => void;

/**
 * The subscriber of a channel, taking a decoded payload. In the bus contract the subscriber names the type
 * its channel carries (`subscribe<T>`): a transport only decodes JSON and cannot check it, so this is the
 * one place that type is taken on trust. Subscribers that need certainty narrow it (user-state-bus.ts).
 */
export function receiving<T>(handler: (payload: T) => void): (payload: unknown) => void {
  return (payload) => handler(payload as T);
}

/** The transport contract of @boringnode/bus, which bentocache's `useBus` takes. */
export interface BusTransport {
  setId(id: string): BusTransport;
  onReconnect(callback: () => void): void;
  publish(channel: string, message: unknown): Promise<void>;
  subscribe<T>(channel: string, handler: (payload: T) => void): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  disconnect(): Promise<void>;
}

/** `name` labels the two connections (CLIENT LIST shows `<name>-pub` and `<name>-sub`). */
export function createRedisBusTransport(target: RedisTarget, name = 'gadizone-bus'): BusTransport {
  // A publish fails fast while Redis is away (the bus's retry queue sends it later); the subscriber queues,
  // so a subscription made before Redis is up is sent when it is, and ioredis renews it on reconnect.
  const publisher: RedisClient = createRedis(target, { name: `${name}-pub` });
  const subscriber: RedisClient = createRedis(target, { name: `${name}-sub`, offlineQueue: true, commandTimeoutMs: null });
  const handlers = new Map<string, Handler[]>();
  let busId = '';

  subscriber.on('message', (channel: string, raw: string) => {
    const list = handlers.get(channel);
    if (list === undefined) return;
    let message: { busId?: unknown; payload?: unknown };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      return;
    }
    if (message.busId === busId) return;
    for (const handler of list) handler(message.payload);
  });

  const transport: BusTransport = {
    setId(id) {
      busId = id;
      return transport;
    },
    onReconnect(callback) {
      subscriber.on('reconnecting', callback);
    },
    async publish(channel, message) {
      await publisher.publish(channel, JSON.stringify({ busId, payload: message }));
    },
    async subscribe(channel, handler) {
      handlers.set(channel, [...(handlers.get(channel) ?? []), receiving(handler)]);
      await subscriber.subscribe(channel);
    },
    async unsubscribe(channel) {
      handlers.delete(channel);
      await subscriber.unsubscribe(channel);
    },
    async disconnect() {
      await Promise.all([closeRedis(publisher), closeRedis(subscriber)]);
    },
  };
  return transport;
}

/** In bentocache's `useBus(...)` shape. */
export function redisBus(target: RedisTarget) {
  return { options: {}, factory: () => createRedisBusTransport(target) };
}
