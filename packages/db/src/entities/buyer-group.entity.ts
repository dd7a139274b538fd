import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { sqlBetween, sqlIn } from '../sql';
import { bigintToNumber, numericToNumber } from '../transformers';
import { ENRICHMENT_LEVELS, type EnrichmentLevel } from '@bgs/domain';
import { BUYER_GROUP_STATUSES, SCORE_MAX, SCORE_MIN, type BuyerGroupStatus } from '../values';

/**
 * The saved buyer group of one company (the company id is the key). `generation` only
 * moves forward: writers upsert with `WHERE buyer_groups.generation < EXCLUDED.generation`.
 * No foreign key to `companies`: in production the upstream tables live in another database.
 */
@Entity({ name: 'buyer_groups' })
@Check('ck_buyer_groups_generation', '"generation" >= 0')
@Check('ck_buyer_groups_level', sqlIn('level', ENRICHMENT_LEVELS))
@Check('ck_buyer_groups_status', sqlIn('status', BUYER_GROUP_STATUSES))
@Check('ck_buyer_groups_confidence', sqlBetween('confidence', SCORE_MIN, SCORE_MAX))
@Check('ck_buyer_groups_cohesion', sqlBetween('cohesion', SCORE_MIN, SCORE_MAX))
@Index('ix_buyer_groups_workspace_id', ['workspaceId'])
export class BuyerGroup {
  @PrimaryColumn({ name: 'company_id', type: 'text', primaryKeyConstraintName: 'pk_buyer_groups' })
  companyId!: string;

  @Column({ name: 'workspace_id', type: 'text' })
  workspaceId!: string;

  /** bigint in Postgres, number in TypeScript (see transformers.ts). */
  @Column({ type: 'bigint', transformer: bigintToNumber })
  generation!: number;

  @Column({ type: 'text' })
  level!: EnrichmentLevel;

  /** 0..10; null while nothing was scored yet (e.g. status pending or failed). */
  @Column({ type: 'numeric', precision: 4, scale: 2, nullable: true, transformer: numericToNumber })
  confidence!: number | null;

  /** 0..10; null while nothing was scored yet. */
  @Column({ type: 'numeric', precision: 4, scale: 2, nullable: true, transformer: numericToNumber })
  cohesion!: number | null;

  @Column({ type: 'text' })
  status!: BuyerGroupStatus;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
