export * from './levels';
export * from './roles';
export * from './model';
export {
  companyFromRow,
  fromProviderEvent,
  personFromRow,
  originRef,
  parseDebeziumCompaniesEvent,
  parseDebeziumPeopleEvent,
  type ProviderEvent,
} from './changes';
export {
  companiesRowSchema,
  peopleRowSchema,
  type CompaniesRow,
  type PeopleRow,
} from './debezium-envelope';
export { assessSignificance, type Significance, type SignificanceOptions } from './significance';
export { changeTouches, touchedCompanies, type ChangeTouch } from './fan-out';
export { DEFAULT_MAX_MEMBERS, discoverBuyerGroup, type DiscoveryInput } from './discovery';
export { diffMembers, isEmptyDiff, type MemberDiff, type MemberRef, type RoleChange } from './diff';
export {
  mergeRoster,
  OBSERVED_FIELDS,
  observationsOf,
  observedTime,
  supersedes,
  type Observation,
  type ObservedField,
  type RosterInput,
} from './observations';
