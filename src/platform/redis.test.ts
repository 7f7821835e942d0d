/** REDIS_SENTINELS / REDIS_CLUSTER_NODES in the configuration: parsed, and refused with the variable named. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { redisTarget, slotPrefix } from './redis.js';

describe('Redis topology settings', () => {
  it('reads sentinels (IPv6 too) with the default master name, and cluster seed nodes', () => {
    const sentinel = loadConfig({ REDIS_SENTINELS: '10.0.0.5:26379, [::1]:26380', REDIS_SENTINEL_PASSWORD: 's3cret', REDIS_PASSWORD: 'p4ss' });
    expect(sentinel.redisSentinel).toEqual({ sentinels: [{ host: '10.0.0.5', port: 26379 }, { host: '::1', port: 26380 }], masterName: 'mymaster', sentinelPassword: 's3cret', password: 'p4ss' });
    expect(sentinel.redisCluster).toBeNull();
    expect(redisTarget(sentinel)?.kind).toBe('sentinel');

    const cluster = loadConfig({ REDIS_CLUSTER_NODES: 'redis-0:6379,redis-1:6379' });
    expect(cluster.redisCluster).toEqual({ nodes: [{ host: 'redis-0', port: 6379 }, { host: 'redis-1', port: 6379 }], password: null });
    expect(redisTarget(cluster)?.kind).toBe('cluster');
    expect(slotPrefix(redisTarget(cluster)!, 'gz:bull')).toBe('{gz:bull}');
    expect(slotPrefix(redisTarget(loadConfig({ REDIS_URL: 'redis://r:6379' }))!, 'gz:bull')).toBe('gz:bull');
    expect(redisTarget(loadConfig({}))).toBeNull();
  });

  it('allows only one way to reach Redis and names every variable at fault', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://r:6379', REDIS_SENTINELS: 's:26379' })).toThrow(/REDIS_URL and REDIS_SENTINELS: set only one/);
    expect(() => loadConfig({ REDIS_SENTINELS: 's:26379', REDIS_CLUSTER_NODES: 'c:6379' })).toThrow(/REDIS_SENTINELS and REDIS_CLUSTER_NODES: set only one/);
    expect(() => loadConfig({ REDIS_SENTINELS: 's:26379,nope' })).toThrow(/REDIS_SENTINELS: "nope" is not host:port/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'c:0' })).toThrow(/REDIS_CLUSTER_NODES: "c:0" is not host:port/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'c:70000' })).toThrow(/REDIS_CLUSTER_NODES: "c:70000"/);
    expect(() => loadConfig({ REDIS_SENTINEL_NAME: 'primary' })).toThrow(/REDIS_SENTINEL_NAME: only used with REDIS_SENTINELS/);
    expect(() => loadConfig({ REDIS_URL: 'redis://r:6379', REDIS_SENTINEL_PASSWORD: 'x' })).toThrow(/REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS/);
    expect(() => loadConfig({ REDIS_URL: 'redis://r:6379', REDIS_PASSWORD: 'x' })).toThrow(/REDIS_PASSWORD: only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'my master' })).toThrow(/REDIS_SENTINEL_NAME="my master"/);
  });
});
