/**
 * The enricher's one hop, buyer-group.discovered → buyer-group.researched: take a buyer group
 * and buy, in order, the paid steps its level asks for (enrich for `enrich`, enrich then
 * research for `deep_research`), each once per idempotency key; an `identify` group passes on
 * unchanged. One hop, not one per step: every hop is a Kafka transaction and a fetch, and an
 * identify refresh (the common one) gained nothing from crossing two.
 */
import { createHash } from 'node:crypto';
import { parseEnrichmentLevel, stageCosts, stagesFor, type EnrichmentLevel } from '@bgs/domain';
import {
  PermanentFailureError,
  newestPerCompany,
  passThroughHeaders,
  type BuyerGroupWorkRecord,
  type OutputRecord,
  type StageHandler,
  type TopicCodec,
} from '@bgs/platform';
import { ProviderError, type ContactInput, type EnrichmentProvider } from '../provider/port';
import type { PaidOperations, PaidResult, PaidStage } from './paid-operations';
import type { SpendMetrics } from './spend-metrics';
import type { WorkspaceCosts } from './workspace-costs';

export interface EnrichStepDeps {
  readonly provider: EnrichmentProvider;
  readonly paid: PaidOperations;
  readonly costs: WorkspaceCosts;
  readonly output: TopicCodec<BuyerGroupWorkRecord>;
  /** Provider spend and budgets per workspace (spend-metrics.ts). */
  readonly spend: SpendMetrics;
}

const isPaidStage = (stage: string): stage is PaidStage =>
  stage === 'enrich' || stage === 'research';

/** The paid steps a level asks for, in the order they run; none for a level we don't know. */
export function paidStepsOf(level: string): PaidStage[] {
  const known = parseEnrichmentLevel(level);
  return known ? stagesFor(known).filter(isPaidStage) : [];
}

export function contactsOf(work: BuyerGroupWorkRecord): ContactInput[] {
  return work.members
    .map((m) => ({
      personId: m.personId,
      fullName: m.fullName,
      title: m.title,
      department: m.department,
    }))
    .sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
}

/** Same company, same step and same people as sent: the same purchase. */
export function idempotencyKey(step: PaidStage, companyId: string, people: ContactInput[]): string {
  const digest = createHash('sha256').update(JSON.stringify(people)).digest('hex').slice(0, 32);
  return `${step}:${companyId}:${digest}`;
}

/** What a purchase cost the workspace, when it was bought now: a reused one is not paid again. */
function countSpend(deps: EnrichStepDeps, workspaceId: string, result: PaidResult<unknown>): void {
  if (result.calledNow) deps.spend.spent(workspaceId, result.costUsd);
}

async function buy(
  deps: EnrichStepDeps,
  step: PaidStage,
  work: BuyerGroupWorkRecord,
  costs: Readonly<Record<EnrichmentLevel, number>>,
): Promise<BuyerGroupWorkRecord> {
  const people = contactsOf(work);
  const key = idempotencyKey(step, work.companyId, people);
  const request = { idempotencyKey: key, companyId: work.companyId, people };
  const costUsd = stageCosts(costs)[step];
  try {
    if (step === 'enrich') {
      const result = await deps.paid.runOnce({
        key,
        stage: 'enrich',
        companyId: work.companyId,
        input: request,
        costUsd,
        call: () => deps.provider.enrichContacts(request),
      });
      countSpend(deps, work.workspaceId, result);
      const byPerson = new Map(result.output.contacts.map((c) => [c.personId, c]));
      return {
        ...work,
        costUsd: work.costUsd + result.costUsd,
        members: work.members.map((m) => {
          const contact = byPerson.get(m.personId);
          return { ...m, enrichment: contact ? JSON.stringify(contact) : null };
        }),
      };
    }
    const result = await deps.paid.runOnce({
      key,
      stage: 'research',
      companyId: work.companyId,
      input: request,
      costUsd,
      call: () => deps.provider.research(request),
    });
    countSpend(deps, work.workspaceId, result);
    const byPerson = new Map(result.output.insights.map((i) => [i.personId, i]));
    return {
      ...work,
      costUsd: work.costUsd + result.costUsd,
      companySummary: result.output.companySummary,
      members: work.members.map((m) => {
        const insight = byPerson.get(m.personId);
        return { ...m, research: insight ? JSON.stringify(insight) : null };
      }),
    };
  } catch (error) {
    // The provider refused the request itself: sending it again cannot help.
    if (error instanceof ProviderError && !error.retryable) {
      throw new PermanentFailureError(`provider rejected ${step}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

async function buyAll(
  deps: EnrichStepDeps,
  work: BuyerGroupWorkRecord,
  costs: Readonly<Record<EnrichmentLevel, number>>,
): Promise<BuyerGroupWorkRecord> {
  let bought = work;
  for (const step of paidStepsOf(work.level)) bought = await buy(deps, step, bought, costs);
  return bought;
}

export function createEnrichStep(deps: EnrichStepDeps): StageHandler<BuyerGroupWorkRecord> {
  return async (records) => {
    const newest = newestPerCompany(records);
    const paying = newest.filter(
      (r) => paidStepsOf(r.value.level).length > 0 && r.value.members.length > 0,
    );
    const workspaces = [...new Set(paying.map((r) => r.value.workspaceId))];
    const costs = await deps.costs.forWorkspaces(workspaces);
    deps.spend.budgetsLoaded(workspaces, costs.budgetsUsd);
    // Companies are independent; the provider adapter bounds how many calls run at once.
    const results = await Promise.all(
      newest.map(async (record) =>
        paying.includes(record)
          ? buyAll(deps, record.value, costs.get(record.value.workspaceId) ?? costs.defaults)
          : record.value,
      ),
    );
    const outputs: OutputRecord[] = [];
    for (const [index, work] of results.entries()) {
      const record = newest[index];
      if (!record) continue;
      outputs.push({
        topic: deps.output.topic,
        key: work.companyId,
        value: await deps.output.encode(work),
        headers: passThroughHeaders(record.headers),
      });
    }
    return outputs;
  };
}
