/**
 * Metrics of a whole cluster. Prometheus scrapes one port, and the kernel hands each scrape to any worker;
 * per-worker counters would jump between scrapes. So a worker asked for metrics asks the primary, which
 * collects every worker's registry over IPC (prom-client's AggregatorRegistry: counters and histograms
 * summed, gauges as each declares) and answers with the cluster's text.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'gadizone:metrics-request';
const RESPONSE = 'gadizone:metrics-response';
/** How long a scrape waits for the cluster before answering with this worker's figures alone. */
const CLUSTER_TIMEOUT_MS = 3_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: string;
}
interface MetricsResponse {
  type: typeof RESPONSE;
  id: string;
  text?: string;
  error?: string;
}

const isRequest = (message: unknown): message is MetricsRequest => (message as MetricsRequest | null)?.type === REQUEST;
const isResponse = (message: unknown): message is MetricsResponse => (message as MetricsResponse | null)?.type === RESPONSE;

/** Primary: answers workers' requests with the aggregate of every worker. Call once, before forking. */
export function serveClusterMetrics(): (worker: Worker, message: unknown) => void {
  const aggregator = new AggregatorRegistry();
  return (worker, message) => {
    if (!isRequest(message)) return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: RESPONSE, id: message.id, text } satisfies MetricsResponse),
      (error: Error) => worker.isConnected() && worker.send({ type: RESPONSE, id: message.id, error: error.message } satisfies MetricsResponse),
    );
  };
}

/** Worker: offers `registry` to the primary's aggregation. */
export function joinClusterMetrics(registry: Registry): void {
  if (!cluster.isWorker) return;
  // Constructing one installs prom-client's worker-side listener; setRegistries says what to report.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

/** Worker: the cluster's metrics text, or null when not in a cluster or the primary did not answer in time. */
export function clusterMetrics(): Promise<string | null> {
  const send = process.send?.bind(process);
  if (!cluster.isWorker || send === undefined) return Promise.resolve(null);
  const id = randomUUID();
  return new Promise((resolve) => {
    const finish = (text: string | null) => {
      clearTimeout(timer);
      process.off('message', onMessage);
      resolve(text);
    };
    const onMessage = (message: unknown) => {
      if (isResponse(message) && message.id === id) finish(message.text ?? null);
    };
    const timer = setTimeout(() => finish(null), CLUSTER_TIMEOUT_MS);
    process.on('message', onMessage);
    send({ type: REQUEST, id } satisfies MetricsRequest);
  });
}
