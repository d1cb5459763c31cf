export {
  storeAttachment,
  linkAttachments,
  attachmentsOf,
  readAttachment,
  type AttachmentInfo,
} from './attachments.service.ts';
