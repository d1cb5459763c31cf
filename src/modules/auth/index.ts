export { authRoutes } from './auth.routes.ts';
export {
  LOCKOUT,
  OTP,
  principalOf,
  principalFromSession,
  principalFromApiKey,
  forgetUserSessions,
  createApiKey,
  revokeApiKey,
  listApiKeys,
} from './auth.service.ts';
