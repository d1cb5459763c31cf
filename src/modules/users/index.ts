export { usersRoutes } from './users.routes.ts';
export { createUser, updateUser, getUser, hashPassword } from './users.service.ts';
export {
  accountByUsername,
  accountById,
  firstAccountOfUnit,
  accountByPhone,
  takeLoginAttempt,
  lockAccount,
  clearLoginFailures,
  contactsOf,
  createResidentAccount,
  type Account,
} from './users.accounts.ts';
export { UserInput, User, Role } from './users.schema.ts';
