export { open311Routes, OPEN311_PREFIX, OPEN311_TEST_PREFIX } from './open311.routes.ts';
export { open311Permissions } from './open311.permissions.ts';
export { openSandbox, type Sandbox } from './open311.sandbox.ts';
