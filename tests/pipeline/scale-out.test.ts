/**
 * Every stage scales out and back in under steady traffic (`./bgs scale`): refresher, enricher
 * and sink each go from 1 to 3 instances while row updates and webhooks keep coming, then back
 * to 1: the sink and the refresher by SIGTERM (a drain, with the traffic's batches in flight),
 * the enricher once by SIGKILL and then by SIGTERM. Each rebalance moves partitions and their
 * transaction slots between instances; afterwards no change is lost or counted twice, no
 * generation is saved twice or goes back, the provider billed each idempotency key at most
 * once, and every group's lag drains.
 */
import { groupMembers } from '../helpers/groups';
import { requireStack, scale, withDatabase, type Service } from '../helpers/stack';
import {
  companiesForTraffic,
  expectTrafficSavedOnce,
  STAGE_GROUPS,
  startTraffic,
  type Traffic,
} from '../helpers/steady-traffic';
import { waitFor } from '../helpers/wait';

const COMPANIES = 6;

async function scaleUnderTraffic(traffic: Traffic): Promise<void> {
  const stages: Service[] = ['refresher', 'enricher', 'sink'];
  await Promise.all(stages.map((stage) => scale(stage, 3)));
  for (const { groupId } of STAGE_GROUPS) {
    await waitFor(async () => (await groupMembers(groupId)) === 3 || undefined, {
      timeoutMs: 60_000,
      description: `3 members in ${groupId}`,
    });
  }
  await traffic.ticks(20);
  // Back to 1: drains with the traffic's batches in flight, and one crash.
  await scale('sink', 1);
  await traffic.ticks(10);
  await scale('enricher', 2, true);
  await traffic.ticks(10);
  await scale('enricher', 1);
  await scale('refresher', 1);
  await traffic.ticks(20);
}

describe('scaling every stage out and back in under steady traffic', () => {
  beforeAll(requireStack);
  afterAll(async () => {
    for (const stage of ['refresher', 'enricher', 'sink'] as const) await scale(stage, 1);
  });

  it('loses no change, duplicates no effect, and drains every group', async () => {
    await withDatabase(async (db) => {
      const companies = await companiesForTraffic(db, COMPANIES, 'co-scale');
      const traffic = startTraffic(db, companies);
      try {
        await scaleUnderTraffic(traffic);
      } finally {
        await traffic.stop();
      }
      await expectTrafficSavedOnce(db, traffic);
    });
  }, 600_000);
});
