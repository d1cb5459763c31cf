export { attachmentsRoutes } from './attachments.routes.ts';
export {
  storeAttachment,
  linkAttachments,
  takeAttachments,
  attachmentsOfService,
  attachmentsOf,
  readAttachment,
  type AttachmentInfo,
} from './attachments.service.ts';
