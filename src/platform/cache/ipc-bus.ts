/**
 * The invalidation bus between cluster workers on one host when there is no Redis (embedded mode with
 * `--workers N`): each worker sends its bus messages to the primary over the cluster IPC channel, and the
 * primary relays them to every other worker (`relayBusMessages`). Same contract as the Redis transport.
 */
import type { Worker } from 'node:cluster';
import { receiving, type BusTransport } from './redis-bus.js';

interface IpcBusMessage {
  gzBus: { channel: string; busId: string; payload: unknown };
}

const isBusMessage = (message: unknown): message is IpcBusMessage =>
  typeof message === 'object' && message !== null && 'gzBus' in message && typeof (message as IpcBusMessage).gzBus === 'object';

export function createIpcBusTransport(): BusTransport {
  const handlers = new Map<string, ((payload: unknown) => void)[]>();
  let busId = '';
  const onMessage = (message: unknown) => {
    if (!isBusMessage(message) || message.gzBus.busId === busId) return;
    for (const handler of handlers.get(message.gzBus.channel) ?? []) handler(message.gzBus.payload);
  };
  process.on('message', onMessage);

  const transport: BusTransport = {
    setId(id) {
      busId = id;
      return transport;
    },
    onReconnect() {
      // The IPC channel does not reconnect: a worker that loses it exits and is replaced.
    },
    async publish(channel, payload) {
      if (!process.connected || process.send === undefined) throw new Error('no IPC channel to the cluster primary');
      process.send({ gzBus: { channel, busId, payload } } satisfies IpcBusMessage);
    },
    async subscribe(channel, handler) {
      handlers.set(channel, [...(handlers.get(channel) ?? []), receiving(handler)]);
    },
    async unsubscribe(channel) {
      handlers.delete(channel);
    },
    async disconnect() {
      process.off('message', onMessage);
      handlers.clear();
    },
  };
  return transport;
}

export function ipcBus() {
  return { options: {}, factory: () => createIpcBusTransport() };
}

/** In the primary: pass each worker's bus messages on to every other live worker. */
export function relayBusMessages(from: Worker, message: unknown, workers: Iterable<Worker>): void {
  if (!isBusMessage(message)) return;
  for (const worker of workers) {
    if (worker !== from && worker.isConnected()) worker.send(message);
  }
}
