/** Counters of a demo run, kept as the live events come in. */
import type { MadeChange } from './freshness';

export class RunCounters {
  sql = 0;
  webhook = 0;
  failed = 0;
  savedGroups = 0;
  changeRecords = 0;
  private readonly savedKeys = new Set<string>();
  private readonly changeKeys = new Set<string>();

  countMade(change: MadeChange): void {
    if (change.ref === undefined) this.sql++;
    else this.webhook++;
  }

  /** (company, generation) identifies a record: a redelivery is not counted again. */
  firstSavedGroup(companyId: string, generation: number): boolean {
    return this.firstOf(this.savedKeys, companyId, generation, () => this.savedGroups++);
  }

  firstChangeRecord(companyId: string, generation: number): boolean {
    return this.firstOf(this.changeKeys, companyId, generation, () => this.changeRecords++);
  }

  private firstOf(keys: Set<string>, companyId: string, generation: number, count: () => void) {
    const key = `${companyId}\u0000${generation}`;
    if (keys.has(key)) return false;
    keys.add(key);
    count();
    return true;
  }
}
