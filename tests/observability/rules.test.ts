/**
 * deploy/observability/prometheus/rules, the one source of the SLOs and alerts, kept correct
 * without a running stack (promtool only, `./bgs install` unpacks it):
 * - promtool checks every rules file and runs every unit test file under ../tests;
 * - every alert fires in some test case and stays silent in another, and has a severity, a
 *   summary and a runbook that is a section of docs/operations.md;
 * - each SLO records the series the dashboard reads, and its burn alerts are the three tiers of
 *   the multiwindow, multi-burn-rate scheme, at thresholds of burn rate times its error budget;
 * - the freshness SLO thresholds are bucket bounds of the sink's histogram;
 * - the PrometheusRule of deploy/k8s carries exactly these groups (`npm run rules:k8s`).
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { FRESHNESS_BUCKETS_SECONDS } from '../../services/sink/src/save/metrics';
import { promtoolPath } from '../helpers/prometheus-tools';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');
const prometheusDir = path.join(repoRoot, 'deploy/observability/prometheus');
const rulesDir = path.join(prometheusDir, 'rules');
const testsDir = path.join(prometheusDir, 'tests');
const prometheusRuleFile = path.join(
  repoRoot,
  'deploy/k8s/components/monitoring/prometheusrule.yaml',
);
const operationsDoc = path.join(repoRoot, 'docs/operations.md');

// ---------------------------------------------------------------- the files' shapes

interface Rule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

interface Group {
  readonly name: string;
  readonly rules: readonly Rule[];
}

interface AlertTestCase {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts?: readonly unknown[];
}

interface RuleTestFile {
  readonly rule_files: readonly string[];
  readonly tests: readonly { readonly alert_rule_test?: readonly AlertTestCase[] }[];
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();

const ruleFiles = yamlFiles(rulesDir);
const testFiles = yamlFiles(testsDir);

const groupsOf = (file: string): Group[] =>
  (parseYaml(readFileSync(path.join(rulesDir, file), 'utf8')) as { groups: Group[] }).groups;

/** Every group, in file-name order (the order the generator writes them in). */
const allGroups: Group[] = ruleFiles.flatMap(groupsOf);
const allRules: Rule[] = allGroups.flatMap((g) => g.rules);
const alerts = allRules.filter((r): r is Rule & { alert: string } => r.alert !== undefined);

const readTestFile = (file: string): RuleTestFile =>
  parseYaml(readFileSync(path.join(testsDir, file), 'utf8')) as RuleTestFile;

// ---------------------------------------------------------------- pure helpers

/** Everything promtool printed; its output in the error when it exits non-zero. */
async function promtool(args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(promtoolPath(), [...args], { cwd, timeout: 120_000 });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `promtool ${args.join(' ')} failed:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`,
    );
  }
}

/** Per alert name, whether some case expects it firing and some case expects it silent. */
function coverageOf(
  cases: readonly AlertTestCase[],
): Map<string, { fires: boolean; silent: boolean }> {
  const coverage = new Map<string, { fires: boolean; silent: boolean }>();
  for (const c of cases) {
    const seen = coverage.get(c.alertname) ?? { fires: false, silent: false };
    if ((c.exp_alerts ?? []).length > 0) seen.fires = true;
    else seen.silent = true;
    coverage.set(c.alertname, seen);
  }
  return coverage;
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation gone, spaces as hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorsOf = (markdown: string): Set<string> =>
  new Set(
    markdown
      .split('\n')
      .filter((line) => /^#{1,6}\s/.test(line))
      .map((line) => headingAnchor(line.replace(/^#+\s/, ''))),
  );

/** The value of `vector(x)`, the form of the SLO's objective and budget records. */
const vectorValue = (expr: string): number => {
  const match = /^vector\(([\d.]+)\)$/.exec(expr.trim());
  if (!match?.[1]) throw new Error(`not a vector(<number>): ${expr}`);
  return Number(match[1]);
};

interface BurnCondition {
  readonly window: string;
  readonly slo: string;
  readonly burn: number;
  readonly budget: number;
}

/** Each `slo:sli_error:ratio_rate<w>{slo="..."} > (<burn> * <budget>)` of a burn alert. */
function burnConditions(expr: string): BurnCondition[] {
  const pattern = /slo:sli_error:ratio_rate(\w+)\{slo="([^"]+)"\} > \(([\d.]+) \* ([\d.]+)\)/g;
  return [...expr.matchAll(pattern)].map(([, window, slo, burn, budget]) => ({
    window: window ?? '',
    slo: slo ?? '',
    burn: Number(burn),
    budget: Number(budget),
  }));
}

/** The tiers of the Google SRE workbook's multiwindow, multi-burn-rate alerts, for 30 days. */
const BURN_TIERS = [
  { long: '1h', short: '5m', burn: 14.4, severity: 'page' },
  { long: '6h', short: '30m', burn: 6, severity: 'page' },
  { long: '3d', short: '6h', burn: 1, severity: 'ticket' },
] as const;

const SLI_WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;

/** The records labelled with each SLO, by record name. */
function recordsBySlo(rules: readonly Rule[]): Map<string, Map<string, Rule>> {
  const bySlo = new Map<string, Map<string, Rule>>();
  for (const rule of rules) {
    const slo = rule.labels?.slo;
    if (!rule.record || !slo) continue;
    const records = bySlo.get(slo) ?? new Map<string, Rule>();
    records.set(rule.record, rule);
    bySlo.set(slo, records);
  }
  return bySlo;
}

// ---------------------------------------------------------------- the tests

describe('the pure helpers', () => {
  it('finds fired and silent cases per alert', () => {
    expect(
      coverageOf([
        { eval_time: '1m', alertname: 'A', exp_alerts: [{}] },
        { eval_time: '2m', alertname: 'A', exp_alerts: [] },
        { eval_time: '2m', alertname: 'B' },
      ]),
    ).toEqual(
      new Map([
        ['A', { fires: true, silent: true }],
        ['B', { fires: false, silent: true }],
      ]),
    );
  });

  it("spells headings' anchors as GitHub does", () => {
    expect(headingAnchor('Alerts and SLOs')).toBe('alerts-and-slos');
    expect(headingAnchor('StageLagAgeHigh')).toBe('stagelagagehigh');
    expect(headingAnchor('Freshness burn alerts (`Freshness1s…`)')).toBe(
      'freshness-burn-alerts-freshness1s',
    );
  });

  it('reads the conditions of a burn alert', () => {
    expect(
      burnConditions(
        'slo:sli_error:ratio_rate1h{slo="x"} > (14.4 * 0.01)\nand slo:sli_error:ratio_rate5m{slo="x"} > (14.4 * 0.01)',
      ),
    ).toEqual([
      { window: '1h', slo: 'x', burn: 14.4, budget: 0.01 },
      { window: '5m', slo: 'x', burn: 14.4, budget: 0.01 },
    ]);
  });
});

describe('Prometheus rules (deploy/observability/prometheus)', () => {
  it('has rules and tests to check', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(testFiles.length).toBeGreaterThan(0);
    expect(alerts.length).toBeGreaterThan(0);
  });

  it.each(ruleFiles)('promtool check rules: %s', async (file) => {
    expect(await promtool(['check', 'rules', file], rulesDir)).toContain('SUCCESS');
  });

  it.each(testFiles)('promtool test rules: %s', async (file) => {
    expect(await promtool(['test', 'rules', file], testsDir)).toContain('SUCCESS');
  });

  it('names every group once (a PrometheusRule holds them all in one file)', () => {
    const names = allGroups.map((g) => g.name);
    expect(names).toEqual([...new Set(names)]);
  });

  it('tests every rules file, and only alerts those tests load', () => {
    const tested = new Set<string>();
    for (const file of testFiles) {
      const doc = readTestFile(file);
      const loaded = doc.rule_files.map((f) => path.relative(rulesDir, path.resolve(testsDir, f)));
      for (const f of loaded) tested.add(f);
      // promtool passes a silent case for an alert that does not exist: a typo would pass.
      const known = new Set(loaded.flatMap(groupsOf).flatMap((g) => g.rules.map((r) => r.alert)));
      const cases = doc.tests.flatMap((t) => t.alert_rule_test ?? []);
      expect({ file, unknown: cases.map((c) => c.alertname).filter((a) => !known.has(a)) }).toEqual(
        { file, unknown: [] },
      );
    }
    expect([...tested].sort()).toEqual(ruleFiles);
  });

  it('has, for every alert, a test case where it fires and one where it stays silent', () => {
    const coverage = coverageOf(
      testFiles.flatMap((file) => readTestFile(file).tests.flatMap((t) => t.alert_rule_test ?? [])),
    );
    const missing = alerts
      .map((a) => ({
        alert: a.alert,
        ...(coverage.get(a.alert) ?? { fires: false, silent: false }),
      }))
      .filter((c) => !c.fires || !c.silent);
    expect(missing).toEqual([]);
  });

  it('gives every alert a unique name, a severity, a summary and a runbook in docs/operations.md', () => {
    const names = alerts.map((a) => a.alert);
    expect(names).toEqual([...new Set(names)]);
    const anchors = anchorsOf(readFileSync(operationsDoc, 'utf8'));
    for (const alert of alerts) {
      const runbook = alert.annotations?.runbook_url ?? '';
      const [file, anchor] = runbook.split('#');
      expect({
        alert: alert.alert,
        severity: ['page', 'ticket'].includes(alert.labels?.severity ?? ''),
        summary: (alert.annotations?.summary ?? '').length > 0,
        description: (alert.annotations?.description ?? '').length > 0,
        runbook: file === 'docs/operations.md' && anchors.has(anchor ?? ''),
      }).toEqual({
        alert: alert.alert,
        severity: true,
        summary: true,
        description: true,
        runbook: true,
      });
    }
  });

  describe('SLOs', () => {
    const bySlo = recordsBySlo(allRules);

    it('are freshness-1s, freshness-5s and ingress-availability, at 99 %, 99.9 % and 99.9 %', () => {
      const objectives = Object.fromEntries(
        [...bySlo].map(([slo, records]) => [
          slo,
          vectorValue(records.get('slo:objective:ratio')?.expr ?? ''),
        ]),
      );
      expect(objectives).toEqual({
        'freshness-1s': 0.99,
        'freshness-5s': 0.999,
        'ingress-availability': 0.999,
      });
    });

    it.each([...bySlo.keys()])(
      '%s records its error ratio over every window, its objective and its budget',
      (slo) => {
        const records = bySlo.get(slo) ?? new Map<string, Rule>();
        expect([...records.keys()].sort()).toEqual(
          [
            ...SLI_WINDOWS.map((w) => `slo:sli_error:ratio_rate${w}`),
            'slo:objective:ratio',
            'slo:error_budget:ratio',
          ].sort(),
        );
        const objective = vectorValue(records.get('slo:objective:ratio')?.expr ?? '');
        const budget = vectorValue(records.get('slo:error_budget:ratio')?.expr ?? '');
        expect(objective + budget).toBeCloseTo(1, 12);
        // Each window's ratio is computed over that window, not another.
        for (const window of SLI_WINDOWS) {
          const expr = records.get(`slo:sli_error:ratio_rate${window}`)?.expr ?? '';
          const ranges = [...expr.matchAll(/\[(\d+[smhdwy])\]/g)].map((m) => m[1]);
          expect({ window, ranges: [...new Set(ranges)] }).toEqual({ window, ranges: [window] });
        }
      },
    );

    it.each([...bySlo.keys()])(
      '%s pages at 14.4x over 1h and 5m and at 6x over 6h and 30m, and tickets at 1x over 3d and 6h',
      (slo) => {
        const budget = vectorValue(bySlo.get(slo)?.get('slo:error_budget:ratio')?.expr ?? '');
        const tiers = alerts
          .filter((a) => a.labels?.slo === slo)
          .map((a) => {
            const conditions = burnConditions(a.expr);
            return {
              severity: a.labels?.severity,
              windows: conditions.map((c) => c.window),
              burns: [...new Set(conditions.map((c) => c.burn))],
              budgets: [...new Set(conditions.map((c) => c.budget))],
              slos: [...new Set(conditions.map((c) => c.slo))],
            };
          });
        expect(tiers).toEqual(
          BURN_TIERS.map((t) => ({
            severity: t.severity,
            windows: [t.long, t.short],
            burns: [t.burn],
            budgets: [budget],
            slos: [slo],
          })),
        );
      },
    );

    it('reads the freshness histogram at bucket bounds (Prometheus 2 and 3 spellings)', () => {
      expect(FRESHNESS_BUCKETS_SECONDS).toEqual(expect.arrayContaining([1, 5]));
      const thresholds = allRules
        .filter((r) => r.expr.includes('bgs_freshness_seconds_bucket'))
        .flatMap((r) => [...r.expr.matchAll(/le=~"([\d.]+)\(\\\\\.0\)\?"/g)].map((m) => m[1]));
      expect(thresholds.length).toBe(
        allRules.filter((r) => r.expr.includes('bgs_freshness_seconds_bucket')).length,
      );
      expect([...new Set(thresholds)].map(Number).sort()).toEqual([1, 5]);
      for (const threshold of new Set(thresholds)) {
        expect(FRESHNESS_BUCKETS_SECONDS).toContain(Number(threshold));
      }
    });
  });

  it('is what the committed PrometheusRule carries (npm run rules:k8s writes it)', () => {
    const manifest = parseYaml(readFileSync(prometheusRuleFile, 'utf8')) as {
      apiVersion: string;
      kind: string;
      spec: { groups: Group[] };
    };
    expect(manifest.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(manifest.kind).toBe('PrometheusRule');
    expect(manifest.spec.groups).toEqual(allGroups);
  });
});
