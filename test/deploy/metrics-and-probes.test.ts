/**
 * The names the deployment relies on exist in the app: probe and health-check paths answer, and every
 * metric (and label) used by the alert rules and the Grafana dashboard is one a real app exports at
 * /api/monitoring/metrics after a little traffic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildTestApp, type TestApp } from '../helpers.js';
import { exposedSeries, loadK8sObjects, loadYaml, promqlMatcherLabels, promqlMetricNames, readDeploy } from './deploy-files.js';

/** Series that come from outside the app, and where. */
const EXTERNAL_SERIES: Record<string, string> = {
  up: 'Prometheus: whether the scrape succeeded',
  probe_success: 'blackbox_exporter probing /api/monitoring/ready',
};
/** Labels Prometheus attaches to every scraped series. */
const TARGET_LABELS = new Set(['job', 'instance']);
const HISTOGRAM_SUFFIXES = /_(bucket|sum|count)$/;

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (loadYaml('prometheus', 'alerts.yml') as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((group) => group.rules);
const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Array<{ expr: string; refId: string }>;
  gridPos: { h: number; w: number; x: number; y: number };
}
const dashboard = JSON.parse(readDeploy('grafana', 'gadizone-dashboard.json')) as { schemaVersion: number; uid: string; title: string; panels: Panel[]; templating: { list: Array<{ name: string; query?: unknown; definition?: string }> } };
const dashboardExpressions = [
  ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr }))),
  ...dashboard.templating.list.flatMap((variable) => (variable.definition ? [{ where: `variable ${variable.name}`, expr: variable.definition.replace(/^label_values\((.*),\s*\w+\)$/, '$1') }] : [])),
];
const ruleExpressions = rules.map((rule) => ({ where: rule.alert ?? rule.record!, expr: rule.expr }));

let t: TestApp;
let series: Map<string, Set<string>>;

beforeAll(async () => {
  // Rate limits on, with a budget of one request, so the 429 counter has a sample too.
  const base = loadConfig({ LOG_LEVEL: 'silent' });
  t = await buildTestApp({ config: { rateLimits: { ...base.rateLimits, enabled: true, public: { points: 1, durationS: 60 } } } });
  for (const url of ['/api/brands', '/api/brands', '/api/models?limit=1', '/api/no-such-route']) await t.app.inject(url);
  const scrape = await t.app.inject('/api/monitoring/metrics');
  expect(scrape.statusCode).toBe(200);
  series = exposedSeries(scrape.body);
});
afterAll(() => t?.close());

const exported = (name: string) => series.has(name) || series.has(name.replace(HISTOGRAM_SUFFIXES, ''));

describe('probe and health-check paths', () => {
  const paths = new Set<string>();
  for (const { object } of loadK8sObjects()) {
    for (const match of JSON.stringify(object).matchAll(/"path":"(\/api\/monitoring\/[a-z]+)"/g)) paths.add(match[1]!);
  }
  for (const file of ['Dockerfile', 'docker-compose.yml', 'prometheus/prometheus.yml', 'prometheus/prometheus-kubernetes.yml']) {
    for (const match of readDeploy(...file.split('/')).matchAll(/(\/api\/monitoring\/[a-z]+)/g)) paths.add(match[1]!);
  }

  it('are the app’s monitoring routes and answer 200 on a healthy app', async () => {
    expect([...paths].sort()).toEqual(['/api/monitoring/live', '/api/monitoring/metrics', '/api/monitoring/ready']);
    for (const path of paths) expect((await t.app.inject(path)).statusCode, path).toBe(200);
  });

  it('nginx routes special cases to routes that exist', () => {
    expect(t.app.hasRoute({ method: 'POST', url: '/api/admin/import' })).toBe(true);
    expect(t.app.hasRoute({ method: 'GET', url: '/api/monitoring/metrics' })).toBe(true);
  });
});

describe('alert rules (deploy/prometheus/alerts.yml)', () => {
  it('are well formed: unique names, a severity, a summary and a duration on every alert', () => {
    const names = rules.map((rule) => rule.alert ?? rule.record);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect(typeof rule.expr, String(rule.alert ?? rule.record)).toBe('string');
      if (rule.record) {
        expect(rule.record).toMatch(/^[a-z_]+:[a-z_:0-9]+$/);
        continue;
      }
      expect(rule.alert).toMatch(/^Gadizone[A-Za-z0-9]+$/);
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
    }
  });

  it('cover the conditions operators asked for', () => {
    const alerts = new Map(rules.flatMap((rule) => (rule.alert ? [[rule.alert, rule.expr] as const] : [])));
    expect(alerts.get('GadizoneHighLatencyP95')).toMatch(/histogram_quantile\(0\.95,[\s\S]*http_request_duration_seconds_bucket[\s\S]*> 0\.5/);
    expect(alerts.get('GadizoneHigh5xxRate')).toMatch(/status=~"5\.\."[\s\S]*> 0\.01/);
    expect(alerts.get('GadizoneMemoryHigh')).toMatch(/process_resident_memory_bytes[\s\S]*gadizone:memory_limit_bytes > 0\.8/);
    expect(alerts.get('GadizoneNotReady')).toContain('probe_success');
    expect(alerts.get('GadizoneQueueGrowing')).toMatch(/deriv\(queue_depth/);
    expect(alerts.get('GadizoneCacheHitRatioLow')).toMatch(/< 0\.9/);
    expect(alerts.get('GadizoneDbPoolWaiting')).toMatch(/db_pool_connections\{[^}]*state="waiting"[^}]*\}\[5m\]\) > 0/);
  });
});

describe.each([
  ['alert rules', ruleExpressions],
  ['dashboard', dashboardExpressions],
])('metrics used by the %s', (_what, expressions) => {
  it('are exported by the app (or recorded by a rule, or named external sources)', () => {
    const missing = expressions.flatMap(({ where, expr }) => promqlMetricNames(expr).filter((name) => !exported(name) && !recorded.has(name) && !(name in EXTERNAL_SERIES)).map((name) => `${where}: ${name}`));
    expect(missing).toEqual([]);
    expect(expressions.length).toBeGreaterThan(5);
  });

  it('select only labels those metrics carry', () => {
    const wrong = expressions.flatMap(({ where, expr }) =>
      promqlMatcherLabels(expr).flatMap(({ metric, labels }) => {
        const known = series.get(metric) ?? new Set<string>();
        if (!exported(metric) || known.size === 0) return [];
        return labels.filter((label) => !known.has(label) && !TARGET_LABELS.has(label)).map((label) => `${where}: ${metric}{${label}}`);
      }),
    );
    expect(wrong).toEqual([]);
  });
});

describe('Grafana dashboard', () => {
  it('is a dashboard of the current schema whose every panel queries something', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBe('gadizone-overview');
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(target.expr, panel.title).toMatch(/\S/);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
  });

  it('has the panels operators look for', () => {
    const titles = dashboard.panels.map((panel) => panel.title.toLowerCase()).join(' | ');
    for (const wanted of ['request rate', 'p50 / p95 / p99', '5xx', 'cache hit ratio', 'by tier', 'query latency', 'pool', 'event-loop lag', 'event-loop utilisation', 'rss', 'rate-limit', 'queue depth']) {
      expect(titles).toContain(wanted);
    }
  });
});

describe('the PromQL reader the checks above rely on', () => {
  it('finds metric names and leaves out functions, keywords, labels, durations and variables', () => {
    const expr = 'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{app="gadizone", route!~"/a|b"}[$__rate_interval]))) > 0.5 and on () group_left () gadizone:memory_limit_bytes * 1e3';
    expect(promqlMetricNames(expr).sort()).toEqual(['gadizone:memory_limit_bytes', 'http_request_duration_seconds_bucket']);
    expect(promqlMatcherLabels(expr)).toEqual([{ metric: 'http_request_duration_seconds_bucket', labels: ['app', 'route'] }]);
  });
});
