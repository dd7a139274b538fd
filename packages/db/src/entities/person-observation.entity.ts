import { OBSERVED_FIELDS, type ObservedField } from '@bgs/domain';
import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { sqlIn } from '../sql';

/**
 * The newest value a provider reported for one field of one person (packages/domain
 * observations.ts merges it with the upstream row). `observed_at` is the provider's time of
 * the change, never later than `received_at`.
 */
@Entity({ name: 'person_observations' })
@Index('ix_person_observations_field_value', ['field', 'value'])
@Check('ck_person_observations_field', sqlIn('field', OBSERVED_FIELDS))
export class PersonObservation {
  @PrimaryColumn({
    name: 'person_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_person_observations',
  })
  personId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_person_observations' })
  field!: ObservedField;

  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'observed_at', type: 'timestamptz' })
  observedAt!: Date;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
