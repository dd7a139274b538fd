import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../transformers';

/**
 * A company's paid-refresh window: the refresh of `owner_generation` opened it, and another
 * paid refresh waits for `window_ends_at`. `deferred_until` is set while one is waiting, so
 * further paid changes inside the window join it instead of queueing their own;
 * `deferred_generation` names the refresh that queued it, so a redelivery of that refresh
 * queues it again instead of taking it for someone else's.
 */
@Entity({ name: 'company_cooldowns' })
export class CompanyCooldown {
  @PrimaryColumn({
    name: 'company_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_company_cooldowns',
  })
  companyId!: string;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt!: Date;

  @Column({ name: 'window_ends_at', type: 'timestamptz' })
  windowEndsAt!: Date;

  @Column({ name: 'owner_generation', type: 'bigint', transformer: bigintToNumber })
  ownerGeneration!: number;

  @Column({ name: 'deferred_until', type: 'timestamptz', nullable: true })
  deferredUntil!: Date | null;

  @Column({
    name: 'deferred_generation',
    type: 'bigint',
    nullable: true,
    transformer: bigintToNumber,
  })
  deferredGeneration!: number | null;
}
