import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { sqlIn } from '../sql';
import { bigintToNumber } from '../transformers';
import { REFRESH_STATUSES, type RefreshStatus } from '../values';

/**
 * One refresh of one company's buyer group. UNIQUE (company_id, generation): a replayed or
 * redelivered event cannot log the same generation twice.
 */
@Entity({ name: 'buyer_group_refresh_logs' })
@Unique('uq_buyer_group_refresh_logs_company_generation', ['companyId', 'generation'])
@Check('ck_buyer_group_refresh_logs_status', sqlIn('status', REFRESH_STATUSES))
@Check('ck_buyer_group_refresh_logs_generation', '"generation" >= 0')
export class BuyerGroupRefreshLog {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_buyer_group_refresh_logs' })
  id!: string;

  @Column({ name: 'company_id', type: 'text' })
  companyId!: string;

  /** bigint in Postgres, number in TypeScript (see transformers.ts). */
  @Column({ type: 'bigint', transformer: bigintToNumber })
  generation!: number;

  /** Why the refresh ran, e.g. `cdc`, `webhook`, `manual`, or a change type. */
  @Column({ type: 'text' })
  reason!: string;

  /** The person, user or event that caused it, when known. */
  @Column({ name: 'triggered_by', type: 'text', nullable: true })
  triggeredBy!: string | null;

  @Column({ type: 'text' })
  status!: RefreshStatus;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  changes!: unknown;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** W3C trace id of the trace that produced this generation. */
  @Column({ name: 'trace_id', type: 'text', nullable: true })
  traceId!: string | null;
}
