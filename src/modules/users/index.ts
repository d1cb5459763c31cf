export { usersRoutes } from './users.routes.ts';
export { createUser, updateUser, userFromRow, hashPassword } from './users.service.ts';
// eslint-disable-next-line no-restricted-syntax -- issue 19: used by auth and the demo seed until users has services for them
export { usersRepository, type UserRow } from './users.repository.ts';
export { UserInput, type User } from './users.schema.ts';
