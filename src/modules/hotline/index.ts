export { hotlineRoutes } from './hotline.routes.ts';
export { placeFromAddress, spokenNames, type PlaceCandidate } from './hotline.place.ts';
export { takeCall, followUpQueue, recordFollowUp } from './hotline.service.ts';
export { mayTakeCalls, mayFollowUp, seesCallerPhone } from './hotline.policy.ts';
