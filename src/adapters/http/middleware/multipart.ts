// A multipart/form-data upload, streamed: the file part goes to the handler's consumer as it
// arrives (busboy), never buffered whole. One file, in the named field; any other field is a 422.
// A body whose Content-Length already says it is too large is refused before a byte is read (413).
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { ValidationError } from '../../../domain/shared/errors.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../errors.js';

export interface FilePart {
  /** The name the client gave, as it gave it (the use case sanitises it). */
  readonly fileName: string | undefined;
  readonly content: Readable;
}

/** Room for the multipart framing (boundaries, part headers) around the file itself. */
const FRAMING_BYTES = 64 * 1024;

/**
 * Streams the file in `field` to `consume` and answers what it answers. Whatever happens, the
 * rest of the request body is read and dropped, so the connection stays usable.
 */
export async function withUploadedFile<T>(
  ctx: AppContext,
  field: string,
  maxFileBytes: number,
  consume: (file: FilePart) => Promise<T>,
): Promise<T> {
  if (!ctx.is('multipart/form-data')) {
    throw new HttpError('BAD_REQUEST', 'Content-Type must be multipart/form-data');
  }
  const declared = Number(ctx.get('Content-Length') || NaN);
  if (Number.isFinite(declared) && declared > maxFileBytes + FRAMING_BYTES) {
    ctx.set('Connection', 'close');
    throw new HttpError('PAYLOAD_TOO_LARGE', `The file is over the limit of ${maxFileBytes} bytes`);
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: ctx.req.headers,
      // File names as browsers and fetch send them: UTF-8.
      defParamCharset: 'utf8',
      limits: { files: 1, fields: 20 },
    });
  } catch (error) {
    throw new HttpError('BAD_REQUEST', `Malformed multipart body: ${(error as Error).message}`);
  }
  const request = ctx.req;
  try {
    return await new Promise<T>((resolve, reject) => {
      let started = false;
      parser.on('file', (name, stream, info) => {
        if (started || name !== field) {
          stream.resume();
          if (name !== field)
            reject(ValidationError.field(name, `Unknown field: send the file as \`${field}\``));
          return;
        }
        started = true;
        consume({ fileName: info.filename, content: stream }).then(resolve, (error: unknown) => {
          stream.resume();
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      });
      parser.on('field', (name) => reject(ValidationError.field(name, 'Unknown field')));
      parser.on('error', (error: Error) =>
        reject(new HttpError('BAD_REQUEST', `Malformed multipart body: ${error.message}`)),
      );
      parser.on('close', () => {
        if (!started) reject(ValidationError.field(field, 'Required: the file to attach'));
      });
      request.on('aborted', () =>
        reject(new HttpError('BAD_REQUEST', 'The request closed before its body was read')),
      );
      request.pipe(parser);
    });
  } finally {
    request.unpipe(parser);
    // What is left of the body is read and dropped.
    if (!request.readableEnded) request.resume();
  }
}
