export { registryRoutes } from './registry.routes.ts';
export {
  getPerson,
  logAccess,
  personOfUser,
  personsActedForBy,
  personFacts,
  personFactsOf,
  type PersonFacts,
  personIdByPhone,
  createPerson,
  addContact,
  addConsent,
  personIdByIdNumber,
  consentCovers,
  personIdentity,
} from './registry.service.ts';
export {
  ELIGIBILITY_TAGS,
  PERSON_FIELDS,
  LAWFUL_BASES,
  ageOn,
  isChild,
  covers,
  suppressSmallCells,
  MIN_CELL,
  type EligibilityTag,
} from './registry.fields.ts';
export { CreatePerson, PersonDetail, PersonSummary } from './registry.schema.ts';
