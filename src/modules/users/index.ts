export { createUser, updateUser, userFromRow, hashPassword } from './users.service.ts';
export { usersRepository, type UserRow } from './users.repository.ts';
export { UserInput, type User } from './users.schema.ts';
