/**
 * deploy/observability/grafana is loaded by no Grafana here (grafana/dashboard-linter is Go-only),
 * so this test keeps it correct by construction:
 * - the provisioning files have the shape Grafana's file providers read;
 * - each dashboard parses, its uid is unique and fits Grafana's 40 characters, its panel ids are
 *   unique (panels nested in collapsed rows included);
 * - every panel, target and query variable takes its data source from the `datasource`
 *   variable, never a hard-coded uid;
 * - every expression, once Grafana's variables are replaced by concrete values, parses: they are
 *   written out as recording rules and checked with `promtool check rules`;
 * - every metric an expression names is one the running services export on /metrics (matched on
 *   its `# TYPE` line, which prom-client writes before any sample), or a recording rule of
 *   deploy/observability/prometheus/rules.
 * The last check needs the local stack's services up (`./bgs up`); the others need only promtool
 * (`./bgs install`).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { promtoolPath } from '../helpers/prometheus-tools';
import { repoRoot, serviceUrl, type Service } from '../helpers/stack';

const grafanaDir = path.join(repoRoot, 'deploy/observability/grafana');
const dashboardsDir = path.join(grafanaDir, 'dashboards');
const rulesDir = path.join(repoRoot, 'deploy/observability/prometheus/rules');
const services: readonly Service[] = ['ingress', 'refresher', 'enricher', 'sink'];

// ---------------------------------------------------------------- the dashboard's shape

interface Target {
  readonly refId?: string;
  readonly expr?: string;
  readonly datasource?: unknown;
  readonly hide?: boolean;
}

interface Panel {
  readonly id?: unknown;
  readonly type: string;
  readonly title?: string;
  readonly datasource?: unknown;
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}

interface Variable {
  readonly type: string;
  readonly name: string;
  readonly query?: unknown;
  readonly datasource?: unknown;
  readonly multi?: boolean;
  readonly includeAll?: boolean;
  readonly options?: readonly { readonly value?: unknown }[];
}

interface Dashboard {
  readonly uid?: unknown;
  readonly title?: unknown;
  readonly schemaVersion?: unknown;
  readonly panels?: readonly Panel[];
  readonly templating?: { readonly list?: readonly Variable[] };
}

interface LoadedDashboard {
  readonly file: string;
  readonly dashboard: Dashboard;
}

/** Every dashboard file of the folder the provider loads. */
function loadDashboards(): LoadedDashboard[] {
  return readdirSync(dashboardsDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({
      file: name,
      dashboard: JSON.parse(readFileSync(path.join(dashboardsDir, name), 'utf8')) as Dashboard,
    }));
}

/** Top-level panels and those a collapsed row holds, rows included. */
function allPanels(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

const variablesOf = (dashboard: Dashboard): readonly Variable[] => dashboard.templating?.list ?? [];

const panelName = (panel: Panel): string => `panel ${String(panel.id)} "${panel.title ?? ''}"`;

/** The data source reference every panel, target and query variable must carry. */
const DATASOURCE_REF = { type: 'prometheus', uid: '${datasource}' };

/** Every `datasource` property anywhere in the dashboard, with where it is. */
function datasourceRefs(value: unknown, where = '$'): { where: string; ref: unknown }[] {
  if (Array.isArray(value))
    return value.flatMap((item, i) => datasourceRefs(item, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [
    ...(key === 'datasource' ? [{ where: `${where}.datasource`, ref: item }] : []),
    ...datasourceRefs(item, `${where}.${key}`),
  ]);
}

// ---------------------------------------------------------------- Grafana's variables

/** Grafana's own variables, as a 1-hour dashboard with a 15 s scrape interval gets them. */
const BUILTIN_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __rate_interval_ms: '60000',
  __interval: '15s',
  __interval_ms: '15000',
  __range: '1h',
  __range_s: '3600',
  __range_ms: '3600000',
};

const isMultiValue = (variable: Variable): boolean =>
  Boolean(variable.multi) || Boolean(variable.includeAll);

/** A concrete value for a dashboard variable: two values for a multi-value one. */
function concreteValue(variable: Variable, format: string | undefined): string {
  switch (variable.type) {
    case 'interval': {
      const first = variable.options?.[0]?.value;
      return typeof first === 'string' && first !== '$__auto_interval' ? first : '5m';
    }
    case 'constant':
    case 'textbox':
      return typeof variable.query === 'string' && variable.query !== '' ? variable.query : 'x';
    case 'datasource':
      return 'bgs-prometheus';
    default:
      if (!isMultiValue(variable)) return `${variable.name}-a`;
      return format === 'csv'
        ? `${variable.name}-a,${variable.name}-b`
        : `${variable.name}-a|${variable.name}-b`;
  }
}

/** Grafana's `$name`, `${name}`, `${name:format}` and `[[name]]`. Not `$1` (label_replace). */
const VARIABLE_USE =
  /\$\{([A-Za-z_]\w*)(?::(\w+))?\}|\$([A-Za-z_]\w*)|\[\[([A-Za-z_]\w*)(?::(\w+))?\]\]/g;

/**
 * The expression Prometheus would get: each variable replaced by a concrete value. A variable
 * the dashboard does not define is an error, and so is a multi-value variable used anywhere but
 * inside a regex matcher (`=~"$var"`), where Grafana's `a|b` would not be valid.
 */
function interpolate(expr: string, variables: readonly Variable[]): string {
  const byName = new Map(variables.map((v) => [v.name, v]));
  return expr.replace(
    VARIABLE_USE,
    (
      use: string,
      braced?: string,
      format?: string,
      bare?: string,
      old?: string,
      oldFormat?: string,
      offset?: number,
    ) => {
      const name = braced ?? bare ?? old ?? '';
      const builtin = BUILTIN_VALUES[name];
      if (builtin !== undefined) return builtin;
      const variable = byName.get(name);
      if (!variable) throw new Error(`${use} in ${expr}: no such variable on the dashboard`);
      if (isMultiValue(variable) && !/[=!]~\s*"[^"]*$/.test(expr.slice(0, offset))) {
        throw new Error(`${use} in ${expr}: a multi-value variable belongs in a =~"..." matcher`);
      }
      return concreteValue(variable, format ?? oldFormat);
    },
  );
}

// ---------------------------------------------------------------- expressions and metric names

interface Expression {
  readonly where: string;
  /** As Prometheus would get it, variables replaced. */
  readonly expr: string;
}

/** `label_values(selector, label)`: the selector is an expression too. */
const LABEL_VALUES = /^\s*label_values\(\s*(.+?)\s*,\s*[A-Za-z_]\w*\s*\)\s*$/s;

const variableQuery = (variable: Variable): string | undefined => {
  const query = variable.query;
  if (typeof query === 'string') return query;
  if (query && typeof query === 'object' && 'query' in query && typeof query.query === 'string') {
    return query.query;
  }
  return undefined;
};

/** Every PromQL expression of a dashboard: its panels' targets and its query variables'. */
function expressionsOf(dashboard: Dashboard): Expression[] {
  const variables = variablesOf(dashboard);
  const found: Expression[] = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      if (typeof target.expr !== 'string' || target.expr.trim() === '') continue;
      found.push({
        where: `${panelName(panel)} ${target.refId ?? '?'}`,
        expr: interpolate(target.expr, variables),
      });
    }
  }
  for (const variable of variables) {
    if (variable.type !== 'query') continue;
    const selector = LABEL_VALUES.exec(variableQuery(variable) ?? '')?.[1];
    if (selector) {
      found.push({ where: `variable ${variable.name}`, expr: interpolate(selector, variables) });
    }
  }
  return found;
}

/** Aggregations, keywords and operators that read like identifiers. */
const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'atan2',
  'start',
  'end',
  'inf',
  'nan',
]);

/**
 * The metric names an expression reads: identifiers followed by `{`, `[` or nothing, once
 * strings, label matchers, ranges and label lists are out of the way; function calls and
 * PromQL's words are not names.
 */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/\d[\w.]*|[A-Za-z_:][\w:]*/g)) {
    const token = match[0];
    if (/^\d/.test(token)) continue; // a number or a duration
    if (PROMQL_WORDS.has(token.toLowerCase())) continue;
    if (/^\s*\(/.test(stripped.slice(match.index + token.length))) continue; // a function
    names.add(token);
  }
  return [...names];
}

// ---------------------------------------------------------------- what exists to read

/** The series names a service's /metrics offers, from its `# TYPE` lines. */
async function exportedNames(service: Service): Promise<Set<string>> {
  const url = `${serviceUrl(service)}/metrics`;
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    text = await response.text();
  } catch (error) {
    throw new Error(`${service}'s ${url}: ${String(error)} (is the stack up? ./bgs up)`, {
      cause: error,
    });
  }
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (!type?.[1]) continue;
    const [, name, kind] = type;
    names.add(name);
    if (kind === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (kind === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
    if (kind === 'counter' && !name.endsWith('_total')) names.add(`${name}_total`);
  }
  return names;
}

/** The series deploy/observability/prometheus/rules records (plain groups or a PrometheusRule). */
function recordedNames(): Set<string> {
  const names = new Set<string>();
  if (!existsSync(rulesDir)) return names;
  for (const file of readdirSync(rulesDir).filter((name) => /\.ya?ml$/.test(name))) {
    const doc = parseYaml(readFileSync(path.join(rulesDir, file), 'utf8')) as {
      groups?: { rules?: { record?: string }[] }[];
      spec?: { groups?: { rules?: { record?: string }[] }[] };
    } | null;
    for (const group of doc?.groups ?? doc?.spec?.groups ?? []) {
      for (const rule of group.rules ?? []) if (rule.record) names.add(rule.record);
    }
  }
  return names;
}

const run = promisify(execFile);

/** `promtool check rules` on the expressions, each the one rule of a group named after it. */
async function promtoolCheck(expressions: readonly Expression[]): Promise<string | undefined> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bgs-dashboard-'));
  try {
    const file = path.join(dir, 'dashboard-expressions.yml');
    const groups = expressions.map((e, i) => ({
      name: `${i + 1}: ${e.where}`,
      rules: [{ record: `dashboard:expression_${i + 1}`, expr: e.expr }],
    }));
    await writeFile(file, stringifyYaml({ groups }, { lineWidth: 0 }));
    try {
      await run(promtoolPath(), ['check', 'rules', file], { timeout: 60_000 });
      return undefined;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      return `${failed.stdout ?? ''}${failed.stderr ?? ''}` || String(error);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the tests

describe('the parsing helpers', () => {
  it('finds metric names, not functions, keywords, labels or durations', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, stage) (rate(a_bucket{stage=~"x|y"}[5m])))' +
          ' / on (slo) group_left (x) max without (pod) (slo:b:ratio_rate5m offset 1h)' +
          ' > bool 1e3 and c unless count(d[1h:1m]) or label_replace(e, "dst", "$1", "src", "(.*)")',
      ).sort(),
    ).toEqual(['a_bucket', 'c', 'd', 'e', 'slo:b:ratio_rate5m']);
  });

  it("replaces Grafana's variables and refuses unknown or misplaced ones", () => {
    const variables: Variable[] = [
      { type: 'query', name: 'stage', multi: true, includeAll: true },
      { type: 'query', name: 'one' },
    ];
    expect(
      interpolate('rate(x{stage=~"$stage", o="${one}"}[$__rate_interval]) [[one]]', variables),
    ).toBe('rate(x{stage=~"stage-a|stage-b", o="one-a"}[1m]) one-a');
    expect(() => interpolate('x{a="$missing"}', variables)).toThrow(/no such variable/);
    expect(() => interpolate('x{stage="$stage"}', variables)).toThrow(/=~/);
  });
});

describe('provisioning', () => {
  it('has a file provider for the dashboards folder', () => {
    const doc = parseYaml(
      readFileSync(path.join(grafanaDir, 'provisioning/dashboards/buyergroup-stream.yaml'), 'utf8'),
    ) as { apiVersion?: unknown; providers?: { type?: unknown; options?: { path?: unknown } }[] };
    expect(doc.apiVersion).toBe(1);
    expect(doc.providers).toHaveLength(1);
    const [provider] = doc.providers ?? [];
    expect(provider?.type).toBe('file');
    // The folder comes from the environment: Grafana expands $VAR / ${VAR} here.
    expect(provider?.options?.path).toMatch(/^\$\{?BGS_GRAFANA_DASHBOARDS_DIR\}?$/);
  });

  it('has a Prometheus data source whose url comes from the environment', () => {
    const doc = parseYaml(
      readFileSync(path.join(grafanaDir, 'provisioning/datasources/prometheus.yaml'), 'utf8'),
    ) as { apiVersion?: unknown; datasources?: { type?: unknown; url?: unknown; uid?: unknown }[] };
    expect(doc.apiVersion).toBe(1);
    expect(doc.datasources).toHaveLength(1);
    const [source] = doc.datasources ?? [];
    expect(source?.type).toBe('prometheus');
    expect(source?.url).toMatch(/^\$\{?BGS_PROMETHEUS_URL\}?$/);
    expect(String(source?.uid).length).toBeLessThanOrEqual(40);
  });
});

describe('the dashboards', () => {
  const dashboards = loadDashboards();

  it('are there, and parse', () => {
    expect(dashboards.map((d) => d.file)).toContain('buyergroup-stream.json');
  });

  it('have unique uids of at most 40 characters, and unique titles', () => {
    const uids = dashboards.map((d) => d.dashboard.uid);
    for (const uid of uids) {
      expect(typeof uid).toBe('string');
      expect(String(uid)).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
    }
    expect(new Set(uids).size).toBe(uids.length);
    const titles = dashboards.map((d) => d.dashboard.title);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it.each(dashboards.map((d) => [d.file, d.dashboard] as const))(
    '%s: a current schema, unique panel ids, nested rows included',
    (_file, dashboard) => {
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      const ids = allPanels(dashboard).map((panel) => panel.id);
      for (const id of ids) expect(Number.isInteger(id)).toBe(true);
      const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
      expect(repeated).toEqual([]);
    },
  );

  it.each(dashboards.map((d) => [d.file, d.dashboard] as const))(
    '%s: every panel, target and variable reads the ${datasource} variable',
    (_file, dashboard) => {
      const source = variablesOf(dashboard).find((v) => v.name === 'datasource');
      expect(source).toMatchObject({ type: 'datasource', query: 'prometheus' });

      const missing: string[] = [];
      for (const panel of allPanels(dashboard)) {
        if (panel.type === 'row') {
          if ((panel.targets ?? []).length > 0)
            missing.push(`${panelName(panel)}: a row with queries`);
          continue;
        }
        if (!panel.targets?.length) missing.push(`${panelName(panel)}: no queries`);
        if (!isDatasourceRef(panel.datasource)) missing.push(`${panelName(panel)}: datasource`);
        for (const target of panel.targets ?? []) {
          if (!isDatasourceRef(target.datasource)) {
            missing.push(`${panelName(panel)} ${target.refId ?? '?'}: datasource`);
          }
        }
      }
      for (const variable of variablesOf(dashboard)) {
        if (variable.type === 'query' && !isDatasourceRef(variable.datasource)) {
          missing.push(`variable ${variable.name}: datasource`);
        }
      }
      // Nowhere else either: no hard-coded uid or data source name anywhere in the file.
      for (const { where, ref } of datasourceRefs(dashboard)) {
        if (!isDatasourceRef(ref)) missing.push(`${where}: ${JSON.stringify(ref)}`);
      }
      expect(missing).toEqual([]);
    },
  );

  it('every expression parses (promtool check rules)', async () => {
    const expressions = dashboards.flatMap(({ file, dashboard }) =>
      expressionsOf(dashboard).map((e) => ({ ...e, where: `${file} ${e.where}` })),
    );
    expect(expressions.length).toBeGreaterThan(0);
    expect(await promtoolCheck(expressions)).toBeUndefined();
  });

  it('every metric named is exported by a running service or recorded by a rule', async () => {
    const exported = new Map<string, string>();
    for (const service of services) {
      for (const name of await exportedNames(service)) exported.set(name, service);
    }
    const recorded = recordedNames();
    const unknown: string[] = [];
    for (const { file, dashboard } of dashboards) {
      for (const { where, expr } of expressionsOf(dashboard)) {
        for (const name of metricNames(expr)) {
          if (!exported.has(name) && !recorded.has(name)) unknown.push(`${file} ${where}: ${name}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});

function isDatasourceRef(ref: unknown): boolean {
  return (
    typeof ref === 'object' &&
    ref !== null &&
    Object.keys(ref).length === 2 &&
    (ref as Record<string, unknown>).type === DATASOURCE_REF.type &&
    (ref as Record<string, unknown>).uid === DATASOURCE_REF.uid
  );
}
