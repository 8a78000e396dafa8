// Attachment scanners: the default passes every file; a scanner of one's own (an antivirus) is an
// AttachmentScanner that answers `quarantined` for what must not be served.
import type { AttachmentScanner } from '../../application/attachments/ports.js';

export const passingScanner: AttachmentScanner = {
  scan: () => Promise.resolve('clean'),
};
