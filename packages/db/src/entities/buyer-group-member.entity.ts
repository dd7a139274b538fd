import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { sqlBetween, sqlIn } from '../sql';
import { bigintToNumber, numericToNumber } from '../transformers';
import { BUYER_GROUP_ROLES, type BuyerGroupRole } from '@bgs/domain';
import { SCORE_MAX, SCORE_MIN } from '../values';
import { BuyerGroup } from './buyer-group.entity';

/**
 * One person in one company's buyer group. The primary key (company_id, person_id) is the
 * upsert key, so a replay can never add the same person twice. A save deletes the members it
 * dropped and rewrites only the members that changed.
 */
@Entity({ name: 'buyer_group_members' })
@Check('ck_buyer_group_members_role', sqlIn('role', BUYER_GROUP_ROLES))
@Check('ck_buyer_group_members_score', sqlBetween('score', SCORE_MIN, SCORE_MAX))
@Check('ck_buyer_group_members_generation', '"generation" >= 0')
@Index('ix_buyer_group_members_person_id', ['personId'])
export class BuyerGroupMember {
  @PrimaryColumn({
    name: 'company_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_buyer_group_members',
  })
  companyId!: string;

  @PrimaryColumn({
    name: 'person_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_buyer_group_members',
  })
  personId!: string;

  @ManyToOne(() => BuyerGroup, { nullable: false, onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'company_id', foreignKeyConstraintName: 'fk_buyer_group_members_group' })
  buyerGroup?: BuyerGroup;

  @Column({ type: 'text' })
  role!: BuyerGroupRole;

  /** 0..10. */
  @Column({ type: 'numeric', precision: 4, scale: 2, transformer: numericToNumber })
  score!: number;

  @Column({ type: 'text', nullable: true })
  rationale!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  enrichment!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  research!: Record<string, unknown> | null;

  /** bigint in Postgres, number in TypeScript: the group generation that last changed this row. */
  @Column({ type: 'bigint', transformer: bigintToNumber })
  generation!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
