export { authRoutes } from './auth.routes.ts';
export {
  LOCKOUT,
  OTP,
  principalOf,
  principalOfUser,
  principalFromSession,
  principalFromApiKey,
  forgetUserSessions,
  createApiKey,
  revokeApiKey,
  listApiKeys,
} from './auth.service.ts';
