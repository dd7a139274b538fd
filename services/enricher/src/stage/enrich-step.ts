/**
 * The enricher's two steps share one shape: take a buyer group, and when its level asks for
 * the step, buy the data once (per idempotency key) and attach it; otherwise pass it on.
 * enrich:   buyer-group.discovered → buyer-group.enriched   (levels enrich, deep_research)
 * research: buyer-group.enriched   → buyer-group.researched (level deep_research)
 */
import { createHash } from 'node:crypto';
import { stageCosts, type EnrichmentLevel } from '@bgs/domain';
import {
  PoisonMessageError,
  newestPerCompany,
  passThroughHeaders,
  type BuyerGroupWorkRecord,
  type OutputRecord,
  type StageHandler,
  type TopicCodec,
} from '@bgs/platform';
import { ProviderError, type ContactInput, type EnrichmentProvider } from '../provider/port';
import type { PaidOperations, PaidStage } from './paid-operations';
import type { WorkspaceCosts } from './workspace-costs';

export interface EnrichStepDeps {
  readonly step: PaidStage;
  readonly provider: EnrichmentProvider;
  readonly paid: PaidOperations;
  readonly costs: WorkspaceCosts;
  readonly output: TopicCodec<BuyerGroupWorkRecord>;
}

const LEVELS_OF_STEP: Readonly<Record<PaidStage, readonly string[]>> = {
  enrich: ['enrich', 'deep_research'],
  research: ['deep_research'],
};

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

async function buy(
  deps: EnrichStepDeps,
  work: BuyerGroupWorkRecord,
  costs: Readonly<Record<EnrichmentLevel, number>>,
): Promise<BuyerGroupWorkRecord> {
  const people = contactsOf(work);
  const key = idempotencyKey(deps.step, work.companyId, people);
  const request = { idempotencyKey: key, companyId: work.companyId, people };
  const costUsd = stageCosts(costs)[deps.step];
  try {
    if (deps.step === 'enrich') {
      const result = await deps.paid.runOnce({
        key,
        stage: 'enrich',
        companyId: work.companyId,
        input: request,
        costUsd,
        call: () => deps.provider.enrichContacts(request),
      });
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
      throw new PoisonMessageError(`provider rejected ${deps.step}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

export function createEnrichStep(deps: EnrichStepDeps): StageHandler<BuyerGroupWorkRecord> {
  return async (records) => {
    const newest = newestPerCompany(records);
    const paying = newest.filter(
      (r) => LEVELS_OF_STEP[deps.step].includes(r.value.level) && r.value.members.length > 0,
    );
    const costs = await deps.costs.forWorkspaces([
      ...new Set(paying.map((r) => r.value.workspaceId)),
    ]);
    // Companies are independent; the provider adapter bounds how many calls run at once.
    const results = await Promise.all(
      newest.map(async (record) =>
        paying.includes(record)
          ? buy(deps, record.value, costs.get(record.value.workspaceId) ?? costs.defaults)
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
