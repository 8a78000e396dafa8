// The media type of a file from its first bytes (file-type's signatures), never the client's word.
import { fileTypeFromBuffer } from 'file-type';
import type { ContentSniffer } from '../../application/attachments/ports.js';

export const fileTypeSniffer: ContentSniffer = {
  // What file-type reads of a file for most of its signatures.
  headBytes: 4100,
  async sniff(head) {
    if (head.byteLength === 0) return undefined;
    return (await fileTypeFromBuffer(head))?.mime;
  },
};
