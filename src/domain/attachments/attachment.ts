// A file on a task (or on one of its comments): what it is, as sniffed from its bytes, and where
// its bytes are kept. Pure: the record, the file-name rule and the storage key.
export const ATTACHMENT_STATUSES = ['clean', 'quarantined'] as const;
export type AttachmentStatus = (typeof ATTACHMENT_STATUSES)[number];

export interface Attachment {
  readonly id: string;
  readonly organizationId: string;
  readonly taskId: string;
  /** The comment it was attached to; null when on the task itself (or the comment is gone). */
  readonly commentId: string | null;
  /** The client's name, sanitised (fileName below): shown and offered on download, never a path. */
  readonly fileName: string;
  /** Sniffed from the bytes (application/octet-stream when unknown), never the client's. */
  readonly contentType: string;
  readonly sizeBytes: number;
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string;
  /** Where the blob store keeps the bytes: made of ids only (storageKeyOf). */
  readonly storageKey: string;
  /** quarantined: the scanner refused it; listed, but its bytes are never served. */
  readonly status: AttachmentStatus;
  /** The user or API key that uploaded it. */
  readonly uploadedBy: string | null;
  readonly createdAt: Date;
}

/** The longest file name kept, in characters (code points). */
export const FILE_NAME_MAX_LENGTH = 200;

/** Characters a name loses: C0/C1 controls, bidi and other format marks, path and shell-ish ones. */
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const UNSAFE = /["*:<>?|]/g;

/**
 * The client's file name made safe to keep and to offer back: its last path segment only (either
 * slash), every run of white space as one space, without control or format characters,
 * `"*:<>?|` as `_`, no leading or trailing dots and spaces, at most FILE_NAME_MAX_LENGTH
 * characters (the extension kept when it is short). Nothing left: `file`.
 */
export function fileName(raw: string | undefined): string {
  const base = (raw ?? '').normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .replace(/\s+/g, ' ')
    .replace(CONTROL, '')
    .replace(UNSAFE, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const chars = [...cleaned];
  if (chars.length === 0) return 'file';
  if (chars.length <= FILE_NAME_MAX_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 ? [...cleaned.slice(dot)] : [];
  if (extension.length > 0 && extension.length <= 16) {
    const stem = [...cleaned.slice(0, dot)].slice(0, FILE_NAME_MAX_LENGTH - extension.length);
    return stem.join('') + extension.join('');
  }
  return chars.slice(0, FILE_NAME_MAX_LENGTH).join('');
}

/** The blob's key: the organization and the attachment's id, nothing the client chose. */
export function storageKeyOf(organizationId: string, attachmentId: string): string {
  return `attachments/${organizationId}/${attachmentId}`;
}
