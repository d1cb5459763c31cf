export { noticesRoutes } from './notices.routes.ts';
export { createNotice, listNotices, noticeAct, noticeCap, expireNotices } from './notices.service.ts';
export { noticeLifecycle, NOTICE_STATUSES, NOTICE_ACTIONS } from './notices.lifecycle.ts';
export { capXml, capTime, CAP_NS, type CapFields } from './notices.cap.ts';
export { noticesPermissions } from './notices.permissions.ts';
