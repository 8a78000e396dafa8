// A multipart/form-data upload, streamed: the file part goes to the handler's consumer as it
// arrives (busboy), never buffered whole. One file, in the named field; any other field is a 422.
// A body whose Content-Length already says it is too large is refused before it is parsed (413).
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { ValidationError } from '../../../domain/shared/errors.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../errors.js';

export interface FilePart {
  /** The name the client gave, as it gave it (the use case sanitises it). */
  readonly fileName: string | undefined;
  readonly content: AsyncIterable<Uint8Array>;
}

/** Room for the multipart framing (boundaries, part headers) around the file itself. */
const FRAMING_BYTES = 64 * 1024;
/** A refused body up to this size (or 4 × the limit) is read and dropped rather than cut off. */
const LINGER_BYTES = 8 * 1024 * 1024;

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
    // Answered at once, but a client still sending its body reads the answer only once it has
    // sent it (a closed connection meanwhile is a reset mid-write): what is not huge is read and
    // dropped, the connection kept; beyond that the connection closes after the answer.
    if (declared <= Math.max(4 * maxFileBytes, LINGER_BYTES)) ctx.req.resume();
    else ctx.set('Connection', 'close');
    throw new HttpError('PAYLOAD_TOO_LARGE', `The file is over the limit of ${maxFileBytes} bytes`);
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: ctx.req.headers,
      // File names as browsers and fetch send them: UTF-8.
      defParamCharset: 'utf8',
      // Two files: the second is refused, not silently dropped.
      limits: { files: 2, fields: 20 },
    });
  } catch (error) {
    throw new HttpError('BAD_REQUEST', `Malformed multipart body: ${(error as Error).message}`);
  }
  const request = ctx.req;
  try {
    return await new Promise<T>((resolve, reject) => {
      let file: Readable | undefined;
      let failure: unknown;
      let endBody!: () => void;
      let failBody!: (error: unknown) => void;
      // Settles once the whole body is parsed: the file's stream ends only then (untilBodyEnds),
      // so a field after the file fails the upload before anything is recorded.
      const body = new Promise<void>((res, rej) => {
        endBody = res;
        failBody = rej;
      });
      body.catch(() => undefined);
      const fail = (error: Error) => {
        if (failure !== undefined) return;
        failure = error;
        failBody(error);
        if (file === undefined) reject(error);
        else if (!file.readableEnded) file.destroy(error);
      };
      parser.on('file', (name, stream, info) => {
        if (file !== undefined || failure !== undefined || name !== field) {
          stream.resume();
          fail(
            ValidationError.field(
              name,
              name === field
                ? 'One file per upload'
                : `Unknown field: send the file as \`${field}\``,
            ),
          );
          return;
        }
        file = stream;
        // Its error reaches the consumer through the iteration; none is left unhandled.
        stream.on('error', () => undefined);
        consume({ fileName: info.filename, content: untilBodyEnds(stream, body) }).then(
          resolve,
          (error: unknown) => {
            stream.resume();
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
      parser.on('field', (name) => fail(ValidationError.field(name, 'Unknown field')));
      parser.on('error', (error: Error) =>
        fail(new HttpError('BAD_REQUEST', `Malformed multipart body: ${error.message}`)),
      );
      parser.on('close', () => {
        if (file === undefined) fail(ValidationError.field(field, 'Required: the file to attach'));
        endBody();
      });
      request.on('aborted', () =>
        fail(new HttpError('BAD_REQUEST', 'The request closed before its body was read')),
      );
      request.pipe(parser);
    });
  } finally {
    request.unpipe(parser);
    // What is left of the body is read and dropped.
    if (!request.readableEnded) request.resume();
  }
}

/** The file's bytes, ending only once the rest of the body has been parsed without a problem. */
async function* untilBodyEnds(file: Readable, body: Promise<void>): AsyncGenerator<Uint8Array> {
  for await (const chunk of file) yield chunk as Uint8Array;
  await body;
}
