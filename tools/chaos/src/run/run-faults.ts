/**
 * One fault at a time under traffic: let the traffic run a random moment, apply the fault and
 * lift it, then measure the recovery: every service ready again, and a probe change made after
 * the fault saved. What the table reports per fault comes from here.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { MadeChange } from '../checker/types';
import type { Fault } from './plan';
import { allReady, savedGeneration } from './pipeline-state';
import type { StackControl } from './stack-control';
import { accepted, postWebhook, roleChangeBody } from './webhook';

export interface FaultRow {
  readonly fault: string;
  /** From the fault lifted to every service ready and a new change saved; undefined: never. */
  readonly recoverMs: number | undefined;
  /** Changes made from the fault's start until it had recovered. */
  readonly changesAffected: number;
  readonly startedAt: number;
  readonly recoveredAt: number;
  readonly error?: string;
}

export interface FaultRunDeps {
  readonly control: StackControl;
  readonly pool: Pool;
  readonly changes: readonly MadeChange[];
  readonly servicePorts: Readonly<Record<string, number>>;
  readonly probe: {
    readonly companyId: string;
    readonly personId: string;
    readonly ingressUrl: string;
    readonly source: string;
    readonly secret: string;
  };
  readonly recoveryTimeoutMs: number;
  readonly log: (line: string) => void;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean>, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await delay(200);
  }
  return false;
}

/** A title change of the probe person, sent until ingress accepts it. */
async function sendProbe(deps: FaultRunDeps, deadline: number): Promise<boolean> {
  const { probe } = deps;
  const id = `probe-${randomUUID()}`;
  const title = `Probe ${id.slice(6, 14)}`;
  const body = roleChangeBody(
    id,
    { companyId: probe.companyId, personId: probe.personId, oldTitle: 'Probe', newTitle: title },
    Date.now(),
  );
  const door = { ingressUrl: probe.ingressUrl, source: probe.source, secret: probe.secret };
  return until(async () => accepted(await postWebhook(door, id, body, 5_000)), deadline);
}

/** From the moment the fault is lifted: ready everywhere, then a change made now is saved. */
async function recover(deps: FaultRunDeps, lifted: number): Promise<number | undefined> {
  const deadline = lifted + deps.recoveryTimeoutMs;
  if (!(await until(() => allReady(deps.servicePorts), deadline))) return undefined;
  const before = await savedGeneration(deps.pool, deps.probe.companyId).catch(() => -1n);
  if (!(await sendProbe(deps, deadline))) return undefined;
  const saved = await until(
    async () => (await savedGeneration(deps.pool, deps.probe.companyId).catch(() => -1n)) > before,
    deadline,
  );
  return saved ? Date.now() - lifted : undefined;
}

export async function runFault(deps: FaultRunDeps, fault: Fault): Promise<FaultRow> {
  await delay(fault.delayMs);
  const startedAt = Date.now();
  deps.log(`▸ ${fault.name}`);
  let recoverMs: number | undefined;
  let error: string | undefined;
  try {
    const lifted = await deps.control.apply(fault.action);
    recoverMs = await recover(deps, lifted);
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  }
  const recoveredAt = Date.now();
  const changesAffected = deps.changes.filter(
    (c) => c.madeAt >= startedAt && c.madeAt <= recoveredAt,
  ).length;
  deps.log(
    `  ${recoverMs === undefined ? 'did not recover' : `recovered in ${(recoverMs / 1000).toFixed(1)} s`}` +
      `, ${changesAffected} changes made meanwhile${error ? `; ${error}` : ''}`,
  );
  return {
    fault: fault.name,
    recoverMs,
    changesAffected,
    startedAt,
    recoveredAt,
    ...(error ? { error } : {}),
  };
}
