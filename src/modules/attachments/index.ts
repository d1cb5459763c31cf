export { attachmentsRoutes } from './attachments.routes.ts';
export {
  storeAttachment,
  linkAttachments,
  attachmentsOf,
  readAttachment,
  type AttachmentInfo,
} from './attachments.service.ts';
