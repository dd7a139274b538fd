import { Column, Entity, PrimaryColumn } from 'typeorm';

/** When a person's upstream row last changed: the commit time Debezium reported for it. */
@Entity({ name: 'person_upstream_commits' })
export class PersonUpstreamCommit {
  @PrimaryColumn({
    name: 'person_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_person_upstream_commits',
  })
  personId!: string;

  @Column({ name: 'committed_at', type: 'timestamptz' })
  committedAt!: Date;
}
