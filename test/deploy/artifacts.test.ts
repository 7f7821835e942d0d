/**
 * The deployment artifacts under deploy/, checked without Docker, Kubernetes or a network: they parse,
 * Kubernetes objects match the API schemas (kubernetes-models), and the settings agree with each other
 * and with the app (probe paths, shutdown timings, memory budget, environment variable names).
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { ConfigError, DOCUMENTED_EXAMPLE_SECRETS, loadConfig } from '../../src/config.js';
import { projectPath } from '../../src/lib/paths.js';
import { configVariables, deployPath, EXPECTED_UNREAD_VARIABLES, K8S_DIR, loadK8sObjects, loadYaml, loadYamlDocuments, parseBytes, readDeploy, type K8sObject } from './deploy-files.js';

const LIVE = '/api/monitoring/live';
const READY = '/api/monitoring/ready';
const objects = loadK8sObjects();
const byKind = (kind: string, name?: string): K8sObject[] => objects.map((o) => o.object).filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const one = (kind: string, name: string): K8sObject => {
  const found = byKind(kind, name);
  expect(found, `${kind}/${name}`).toHaveLength(1);
  return found[0]!;
};
// Small typed views of what the checks read; the schema check below guarantees the shapes.
type Container = { name: string; args?: string[]; resources?: { requests?: Record<string, string>; limits?: Record<string, string> }; securityContext?: Record<string, unknown>; startupProbe?: Probe; livenessProbe?: Probe; readinessProbe?: Probe; lifecycle?: { preStop?: { exec?: { command: string[] } } }; volumeMounts?: Array<{ name: string; mountPath: string }> };
type Probe = { httpGet?: { path: string; port: string | number } };
type PodSpec = { terminationGracePeriodSeconds?: number; securityContext?: Record<string, unknown>; containers: Container[]; volumes?: Array<{ name: string; emptyDir?: object }> };
const podSpec = (workload: K8sObject): PodSpec => (workload.spec as { template: { spec: PodSpec } }).template.spec;

const configMap = one('ConfigMap', 'gadizone-config').data!;
const secret = one('Secret', 'gadizone-secrets').stringData!;
const generatedSecret = 'k'.repeat(48);

describe('every YAML file parses', () => {
  const yamlFiles = (dir: string): string[] => readdirSync(deployPath(dir), { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).map((f) => `${dir}/${f}`);
  it.each(['kubernetes', 'prometheus'].flatMap(yamlFiles).concat(['docker-compose.yml']))('%s', (file) => {
    expect(loadYamlDocuments(file).length).toBeGreaterThan(0);
  });
});

describe('Kubernetes manifests', () => {
  const models: Record<string, new (data: never) => { validate(): void }> = { ConfigMap, Secret, Service, Deployment, Ingress, HorizontalPodAutoscaler, PodDisruptionBudget, Job };

  it('hold the required kinds, each valid against the Kubernetes API schema', () => {
    expect(new Set(objects.map((o) => o.object.kind))).toEqual(new Set(Object.keys(models)));
    for (const { file, object } of objects) {
      const Model = models[object.kind]!;
      expect(() => new Model(object as never).validate(), `${file}: ${object.kind}/${object.metadata.name}`).not.toThrow();
    }
    expect(byKind('Deployment').map((d) => d.metadata.name).sort()).toEqual(['gadizone', 'gadizone-worker']);
  });

  it('are all listed in the kustomization', () => {
    const kustomization = loadYaml(K8S_DIR, 'kustomization.yaml') as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...new Set(objects.map((o) => o.file))].sort());
  });

  it('probe the app on its liveness and readiness paths, with a startup probe', () => {
    const app = podSpec(one('Deployment', 'gadizone')).containers[0]!;
    expect(app.startupProbe?.httpGet?.path).toBe(LIVE);
    expect(app.livenessProbe?.httpGet?.path).toBe(LIVE);
    expect(app.readinessProbe?.httpGet?.path).toBe(READY);
    expect(app.args).toEqual(['node', 'bin/gadizone.js', 'serve']);
  });

  it('give SIGTERM time: grace period > preStop sleep + SHUTDOWN_DRAIN_MS + SHUTDOWN_TIMEOUT_MS', () => {
    const pod = podSpec(one('Deployment', 'gadizone'));
    const [sleep, seconds] = pod.containers[0]!.lifecycle?.preStop?.exec?.command ?? [];
    expect(sleep).toBe('sleep');
    const neededMs = Number(seconds) * 1000 + Number(configMap.SHUTDOWN_DRAIN_MS) + Number(configMap.SHUTDOWN_TIMEOUT_MS);
    expect(neededMs).toBeGreaterThan(Number(seconds) * 1000);
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(neededMs);
  });

  it('run every pod non-root on a read-only root filesystem with a writable /tmp, with requests and limits', () => {
    for (const workload of [...byKind('Deployment'), ...byKind('Job')]) {
      const pod = podSpec(workload);
      expect(pod.securityContext, workload.metadata.name).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      for (const container of pod.containers) {
        expect(container.securityContext, container.name).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${container.name}: /tmp`).toBeDefined();
        expect(container.resources?.requests?.cpu, container.name).toBeDefined();
        expect(container.resources?.limits?.memory, container.name).toBeDefined();
      }
    }
  });

  it('autoscale the web Deployment at 70% CPU (autoscaling/v2), and keep one pod through disruptions', () => {
    const hpa = one('HorizontalPodAutoscaler', 'gadizone');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'gadizone' }, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] });
    const maxPods = (hpa.spec as { maxReplicas: number }).maxReplicas;
    // Every pod's pool must fit PostgreSQL's max_connections (200 in docker-compose.yml) with room for the rest.
    expect(maxPods * Number(configMap.DATABASE_POOL_MAX)).toBeLessThanOrEqual(160);
    expect(one('PodDisruptionBudget', 'gadizone').spec).toMatchObject({ maxUnavailable: 1 });
  });

  it('run migrations as a Job and the worker command in its own Deployment', () => {
    expect(podSpec(one('Job', 'gadizone-migrate')).containers[0]!.args).toEqual(['node', 'bin/gadizone.js', 'migrate']);
    expect(podSpec(one('Deployment', 'gadizone-worker')).containers[0]!.args).toEqual(['gadizone', 'worker']);
  });

  it('route the Service to the web pods and keep metrics off the public Ingress', () => {
    const selector = (one('Service', 'gadizone').spec as { selector: Record<string, string> }).selector;
    const labels = (one('Deployment', 'gadizone').spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    expect(labels).toMatchObject(selector);
    const metrics = one('Ingress', 'gadizone-metrics');
    expect(JSON.stringify(metrics.spec)).toContain('"path":"/api/monitoring/metrics"');
    expect(metrics.metadata.annotations?.['nginx.ingress.kubernetes.io/whitelist-source-range']).toMatch(/^10\.0\.0\.0\/8/);
    expect(one('Ingress', 'gadizone').metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('64k');
    expect(one('Ingress', 'gadizone-import').metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('100m');
  });

  it('configure the app with settings it accepts; the Secret holds placeholders the app refuses', () => {
    expect(() => loadConfig({ ...configMap, ...secret })).toThrow(ConfigError);
    expect(() => loadConfig({ ...configMap, ...secret })).toThrow(/JWT_SECRET/);
    expect(DOCUMENTED_EXAMPLE_SECRETS).not.toContain(secret.JWT_SECRET);
    for (const value of Object.values(secret)) expect(value).toMatch(/CHANGE-ME|^redis:\/\/redis:6379$/);
    const config = loadConfig({ ...configMap, ...secret, JWT_SECRET: generatedSecret });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 3000, workers: 1, trustProxy: 'uniquelocal', autoMigrate: false, embedded: false });
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = readDeploy('Dockerfile');
  const instructions = dockerfile.replace(/\\\n/g, ' ').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const runtime = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));

  it('builds in stages and runs as a non-root user', () => {
    const stages = instructions.filter((line) => line.startsWith('FROM ')).map((line) => / AS (\S+)$/.exec(line)?.[1]);
    expect(stages).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    const stage = (name: string) => instructions.slice(instructions.indexOf(instructions.find((l) => l.endsWith(` AS ${name}`))!)).join('\n').split(/\nFROM /)[0]!;
    expect(stage('deps')).toMatch(/RUN .*npm ci --no-audit/);
    expect(stage('build')).toContain('RUN npm run build');
    expect(stage('prod-deps')).toMatch(/RUN .*npm ci --omit=dev/);
    const user = runtime.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(:|\s|$)/);
  });

  it('ships only production dependencies, dist, bin, drizzle and seed in the runtime stage', () => {
    const copies = runtime.filter((line) => line.startsWith('COPY '));
    for (const path of ['node_modules', 'dist', 'bin', 'drizzle', 'seed', 'package.json']) expect(copies.join('\n')).toContain(path);
    expect(copies.join('\n')).not.toMatch(/COPY\s+(--\S+\s+)*src\b/);
    expect(copies.find((line) => line.includes('node_modules'))).toContain('--from=prod-deps');
  });

  it('checks liveness with node itself, exposes 3000 and serves', () => {
    const healthcheck = runtime.find((line) => line.startsWith('HEALTHCHECK'));
    expect(healthcheck).toContain(LIVE);
    expect(healthcheck).toMatch(/CMD \["node", "-e"/);
    expect(runtime).toContain('EXPOSE 3000');
    expect(runtime.at(-1)).toBe('CMD ["node", "bin/gadizone.js", "serve"]');
  });

  it('sends only what the build needs as context', () => {
    const lines = new Set(readDeploy('..', '.dockerignore').split('\n'));
    expect(lines.has('*')).toBe(true);
    for (const path of ['!src/', '!bin/', '!drizzle/', '!seed/', '!package.json', '!package-lock.json', '!tsconfig.json', '!tsconfig.build.json']) expect(lines.has(path), path).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  type Service = { image?: string; command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; healthcheck?: { test?: string[]; disable?: boolean }; profiles?: string[]; stop_grace_period?: string; deploy?: { resources?: { limits?: { memory?: string } } } };
  const compose = loadYaml('docker-compose.yml') as { services: Record<string, Service> };
  const services = compose.services;
  const apps = Object.entries(services).filter(([, s]) => s.environment?.DATABASE_URL !== undefined && (s.depends_on?.migrate !== undefined) && s.command === undefined);

  it('has two app instances, the worker, PostgreSQL primary and replica, Redis, nginx and migrate', () => {
    expect(apps.map(([name]) => name).sort()).toEqual(['app1', 'app2']);
    expect(services.worker?.command).toEqual(['gadizone', 'worker']);
    expect(services.postgres?.image).toMatch(/^postgres:15/);
    expect(services['postgres-replica']?.image).toMatch(/^postgres:15/);
    expect(services.redis?.image).toMatch(/^redis:7/);
    expect(services.nginx?.image).toMatch(/^nginx:/);
    expect(services.migrate?.command).toEqual(['migrate']);
  });

  it('starts the apps after migrate succeeded, and nginx after the apps are ready', () => {
    for (const [name, app] of apps) {
      expect(app.depends_on?.migrate?.condition, name).toBe('service_completed_successfully');
      expect(app.healthcheck?.test?.join(' '), name).toContain(READY);
      expect(services.nginx?.depends_on?.[name]?.condition).toBe('service_healthy');
    }
    for (const name of ['postgres', 'postgres-replica', 'redis', 'nginx']) expect(services[name]?.healthcheck?.test, name).toBeDefined();
  });

  it('configures the apps with settings they accept, the replica, Redis, a proxy and a JWT secret from .env', () => {
    const app = apps[0]![1].environment!;
    expect(app.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/);
    expect(app.DATABASE_REPLICA_URLS).toContain('@postgres-replica:5432/');
    // As Compose interpolates from deploy/.env: ${NAME:-default} falls back, ${NAME} and ${NAME:?…} take the value.
    const dotEnv: Record<string, string> = { JWT_SECRET: generatedSecret, POSTGRES_PASSWORD: 'pw', REPLICATION_PASSWORD: 'rpw' };
    const interpolate = (value: string) => value.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, name: string, fallback?: string) => dotEnv[name] ?? fallback ?? '');
    const interpolated = Object.fromEntries(Object.entries(app).map(([name, value]) => [name, interpolate(value)]));
    expect(loadConfig(interpolated)).toMatchObject({ redisUrl: 'redis://redis:6379', trustProxy: 'uniquelocal', host: '0.0.0.0' });
    // Docker's SIGKILL comes after stop_grace_period: longer than drain + in-flight timeout.
    expect(Number.parseInt(apps[0]![1].stop_grace_period!, 10) * 1000).toBeGreaterThan(Number(app.SHUTDOWN_DRAIN_MS) + Number(app.SHUTDOWN_TIMEOUT_MS));
  });

  it('gives each app the memory budget the memory alert assumes, as Kubernetes does', () => {
    const alerts = loadYaml('prometheus', 'alerts.yml') as { groups: Array<{ rules: Array<{ record?: string; expr: string }> }> };
    const budget = Number(alerts.groups.flatMap((g) => g.rules).find((r) => r.record === 'gadizone:memory_limit_bytes')?.expr.match(/vector\((\d+)\)/)?.[1]);
    expect(budget).toBe(1024 ** 3);
    for (const [name, app] of apps) expect(parseBytes(app.deploy!.resources!.limits!.memory!), name).toBe(budget);
    const web = podSpec(one('Deployment', 'gadizone')).containers[0]!;
    expect(parseBytes(web.resources!.limits!.memory!)).toBe(budget);
  });

  it('ships an env example whose placeholders the app refuses', () => {
    const example = Object.fromEntries(readDeploy('env.example').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=') as [string, string]));
    expect(Object.keys(example).sort()).toEqual(['JWT_SECRET', 'POSTGRES_PASSWORD', 'REPLICATION_PASSWORD']);
    for (const value of Object.values(example)) expect(value).toBe('CHANGE-ME');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://gadizone:x@postgres:5432/gadizone', JWT_SECRET: example.JWT_SECRET })).toThrow(/JWT_SECRET/);
  });
});

describe('pm2/ecosystem.config.cjs', () => {
  const require = createRequire(import.meta.url);
  type App = { name: string; script: string; args: string; exec_mode: string; instances: number; kill_timeout: number; env: Record<string, string>; cwd: string };
  const { apps } = require(deployPath('pm2', 'ecosystem.config.cjs')) as { apps: App[] };

  it('runs one `serve` per host in fork mode (gadizone clusters itself) and the worker', () => {
    expect(apps.map((a) => a.name)).toEqual(['gadizone', 'gadizone-worker']);
    const [serve, worker] = apps as [App, App];
    expect(serve).toMatchObject({ script: 'bin/gadizone.js', args: 'serve', exec_mode: 'fork', instances: 1 });
    expect(Number(serve.env.WORKERS)).toBeGreaterThanOrEqual(1);
    expect(worker).toMatchObject({ script: 'bin/gadizone.js', args: 'worker', exec_mode: 'fork' });
    expect(serve.cwd).toBe(projectPath());
  });

  it('waits longer than a drain before PM2 kills, with settings the app accepts', () => {
    const serve = apps[0]!;
    expect(serve.kill_timeout).toBeGreaterThan(Number(serve.env.SHUTDOWN_DRAIN_MS) + Number(serve.env.SHUTDOWN_TIMEOUT_MS) + 5_000);
    expect(() => loadConfig({ ...serve.env, DATABASE_URL: 'postgres://u@db:5432/g', JWT_SECRET: generatedSecret })).not.toThrow();
  });
});

/** Names the Dockerfile sets with ENV (continuation lines joined). */
function dockerfileEnv(): string[] {
  const env = readDeploy('Dockerfile').replace(/\\\n/g, ' ').split('\n').filter((line) => line.startsWith('ENV '));
  return env.flatMap((line) => [...line.matchAll(/([A-Z_]+)=/g)].map((m) => m[1]!));
}

describe('environment variable names', () => {
  it('are all read by the app (a typo would be silently ignored)', () => {
    const known = configVariables();
    const compose = loadYaml('docker-compose.yml') as { services: Record<string, { environment?: Record<string, string> }> };
    const require = createRequire(import.meta.url);
    const pm2 = require(deployPath('pm2', 'ecosystem.config.cjs')) as { apps: Array<{ env: Record<string, string> }> };
    const appServices = ['app1', 'app2', 'migrate', 'worker'];
    const used = [
      ...Object.keys(configMap),
      ...Object.keys(secret),
      ...appServices.flatMap((name) => Object.keys(compose.services[name]?.environment ?? {})),
      ...pm2.apps.flatMap((app) => Object.keys(app.env)),
      ...dockerfileEnv(),
    ];
    const unknown = [...new Set(used)].filter((name) => !known.has(name) && !(name in EXPECTED_UNREAD_VARIABLES));
    expect(unknown).toEqual([]);
    expect(known.has('SHUTDOWN_TIMEOUT_MS')).toBe(true);
  });
});
