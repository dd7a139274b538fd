/** The demo's terminal output: one line per buyer-group change, and the closing summary. */
import type { LoadResult } from '../db/load';
import type { BuyerGroupChangeRecord, BuyerGroupStateRecord } from '../watch/records';
import type { MadeChange, Sample } from './freshness';
import type { LatencySummary } from './percentiles';
import { formatAchievedRate } from './rate';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time with milliseconds: 14:03:22.417. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  const millis = String(d.getMilliseconds()).padStart(3, '0');
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${millis}`;
}

export function formatDuration(ms: number): string {
  if (Math.abs(ms) < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export const formatCount = (n: number): string => n.toLocaleString('en-US');

const COMPANY_NAME_WIDTH = 22;
const DETAILS_SHOWN = 3;

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/** A person's name when the record leaves it out (it does for people who left the group). */
export type NameLookup = (personId: string) => string | undefined;

/** What happened to whom, the first few: "Dana Kim → champion, Omar Silva out, ...". */
function describeMembers(record: BuyerGroupChangeRecord, nameOf: NameLookup): string {
  const name = (m: { fullName: string | null; personId: string }) =>
    m.fullName ?? nameOf(m.personId) ?? m.personId;
  const details = [
    ...record.added.map((m) => `${name(m)} → ${m.role}`),
    ...record.removed.map((m) => `${name(m)} out (was ${m.role})`),
    ...record.roleChanged.map((m) => `${name(m)} ${m.fromRole} → ${m.toRole}`),
  ];
  if (details.length === 0) return '';
  const shown = details.slice(0, DETAILS_SHOWN).join(', ');
  return `(${shown}${details.length > DETAILS_SHOWN ? ', …' : ''})`;
}

/** savedAt − the oldest origin's occurredAt: how stale the oldest news in this save was. */
export function changeLatency(record: BuyerGroupChangeRecord): number | undefined {
  if (record.origins.length === 0) return undefined;
  return record.savedAt - Math.min(...record.origins.map((origin) => origin.occurredAt));
}

/** `14:03:22.417  co-00042 Acme Robotics   gen 1234  +2 -1 ~1  (Dana Kim → champion)  312 ms` */
export function formatChangeLine(
  record: BuyerGroupChangeRecord,
  companyName = '',
  nameOf: NameLookup = () => undefined,
): string {
  const counts = `+${record.added.length} -${record.removed.length} ~${record.roleChanged.length}`;
  const latency = changeLatency(record);
  return [
    clockTime(record.savedAt),
    `${record.companyId} ${fit(companyName, COMPANY_NAME_WIDTH)}`,
    `gen ${record.generation}`,
    counts,
    describeMembers(record, nameOf),
    latency === undefined ? '' : formatDuration(latency),
  ]
    .filter((part) => part !== '')
    .join('  ');
}

/**
 * What a webhook's report did to the group that first included it:
 * `14:03:22.417  co-00042  webhook person.promotion  Ada Kim: Engineer → CTO  ⇒ CTO, decision_maker  41 ms`
 * Undefined for a sample that is not a webhook of the traffic.
 */
export function formatWebhookLine(
  sample: Sample,
  group: BuyerGroupStateRecord,
): string | undefined {
  const change = sample.change;
  if (change === undefined || !change.kind.startsWith('webhook:')) return undefined;
  const member = group.members.find((m) => m.personId === change.personId);
  const placed = member ? `${member.title ?? 'no title'}, ${member.role}` : 'not in the group';
  return [
    clockTime(group.savedAt),
    sample.companyId,
    change.kind.replace(':', ' '),
    change.summary,
    `⇒ ${placed}`,
    formatDuration(sample.latencyMs),
  ].join('  ');
}

export interface SummaryInput {
  readonly changesMade: number;
  readonly changesBy: { readonly sql: number; readonly webhook: number };
  readonly changesFailed: number;
  readonly latencies: LatencySummary | undefined;
  readonly savedGroupsSeen: number;
  readonly changeRecordsSeen: number;
  readonly unseen: readonly {
    readonly change: MadeChange;
    readonly companyIds: readonly string[];
  }[];
  readonly elapsedMs: number;
  /** With --traffic: changes made per second of traffic, beside the rate asked for. */
  readonly traffic?: { readonly achievedRate: number; readonly requestedRate: number };
}

const UNSEEN_LISTED = 10;

export function formatSummary(input: SummaryInput): string {
  const row = (label: string, value: string) => `  ${label.padEnd(20)}${value}`;
  const l = input.latencies;
  const lines = [
    '',
    `── summary after ${formatDuration(input.elapsedMs)} ──`,
    row(
      'changes made',
      `${formatCount(input.changesMade)} (${formatCount(input.changesBy.sql)} SQL, ` +
        `${formatCount(input.changesBy.webhook)} webhooks${input.changesFailed > 0 ? `; ${formatCount(input.changesFailed)} failed` : ''})`,
    ),
    ...(input.traffic
      ? [
          row(
            'achieved rate',
            formatAchievedRate(input.traffic.achievedRate, input.traffic.requestedRate),
          ),
        ]
      : []),
    row('samples seen', formatCount(l?.count ?? 0)),
    ...(l
      ? [
          row('latency p50', formatDuration(l.p50)),
          row('latency p90', formatDuration(l.p90)),
          row('latency p99', formatDuration(l.p99)),
          row('latency max', formatDuration(l.max)),
        ]
      : [row('latency', 'no samples')]),
    row('saved groups seen', formatCount(input.savedGroupsSeen)),
    row('group changes seen', formatCount(input.changeRecordsSeen)),
    row('changes not seen', formatCount(input.unseen.length)),
    ...input.unseen
      .slice(0, UNSEEN_LISTED)
      .map(
        ({ change, companyIds }) =>
          `    ${change.kind} ${companyIds.join(', ')}${change.ref ? ` ${change.ref}` : ''}  ${change.summary}`,
      ),
    ...(input.unseen.length > UNSEEN_LISTED
      ? [`    … and ${formatCount(input.unseen.length - UNSEEN_LISTED)} more`]
      : []),
  ];
  return lines.join('\n');
}

/** "loaded 300 companies, 11,369 people in 1.2 s (already there, nothing written)" */
export function formatLoad(load: LoadResult): string {
  const inserted = load.companies.inserted + load.people.inserted;
  const updated = load.companies.updated + load.people.updated;
  const detail =
    inserted + updated === 0
      ? 'already there, nothing written'
      : `${formatCount(inserted)} rows new, ${formatCount(updated)} put back; ` +
        'the pipeline refreshes those companies first';
  return (
    `loaded ${formatCount(load.companies.rows)} companies, ${formatCount(load.people.rows)} people ` +
    `in ${(load.elapsedMs / 1000).toFixed(1)} s (${detail})`
  );
}
