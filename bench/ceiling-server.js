// The ceiling the benchmark compares against: a bare Fastify route answering a precomputed 2 KB JSON body,
// with no logging, validation, hooks or database. Nothing gadizone serves can be faster than this on the
// same machine, so every figure is reported as a ratio to it.
import { Buffer } from 'node:buffer';
import Fastify from 'fastify';

const BODY = Buffer.from(JSON.stringify({ data: 'x'.repeat(2_000 - 11) }));
const app = Fastify({ logger: false });
app.get('/', (_request, reply) => {
  reply.header('content-type', 'application/json; charset=utf-8').send(BODY);
});
const port = Number(process.env.PORT ?? 3390);
await app.listen({ port, host: '127.0.0.1' });
process.send?.('listening');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
