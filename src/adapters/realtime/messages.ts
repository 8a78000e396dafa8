// The realtime protocol's frames (docs/api.md, "Realtime"): the client's JSON messages, checked
// with zod into the hub's requests, and the hub's messages written as JSON.
import { z } from 'zod';
import type {
  RealtimeMessage,
  RealtimeRequest,
} from '../../application/events/realtime-messages.js';
import { presentEvent } from '../shared/event-json.js';

const uuid = z.uuid();
/** An organization by id or by slug, as the HTTP routes take it. */
const organizationRef = z.string().min(1).max(200);

const organizationTarget = {
  organization_id: organizationRef,
  project_id: uuid.optional(),
  task_id: uuid.optional(),
};

const clientMessage = z.union([
  z.strictObject({ type: z.enum(['subscribe', 'unsubscribe']), ...organizationTarget }),
  z.strictObject({
    type: z.enum(['subscribe', 'unsubscribe']),
    channel: z.literal('user'),
    user_id: uuid.optional(),
  }),
  z.strictObject({ type: z.literal('resume'), after: uuid, ...organizationTarget }),
  z.strictObject({ type: z.literal('ping') }),
]);

export type ClientMessage = RealtimeRequest | { readonly type: 'ping' };

/** A problem with a frame, answered as an `error` message (the socket stays open). */
export interface FrameProblem {
  readonly code: 'BAD_REQUEST' | 'VALIDATION_ERROR';
  readonly message: string;
}

/** The request a text frame holds, or what is wrong with it. */
export function parseClientMessage(text: string): ClientMessage | FrameProblem {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { code: 'BAD_REQUEST', message: 'A message is one JSON object' };
  }
  const parsed = clientMessage.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    );
    return {
      code: 'VALIDATION_ERROR',
      message: `Not a message of the protocol: ${issues.join('; ')}`,
    };
  }
  const message = parsed.data;
  if (message.type === 'ping') return { type: 'ping' };
  if ('channel' in message) {
    return {
      type: message.type,
      channel: 'user',
      ...(message.user_id !== undefined && { userId: message.user_id }),
    };
  }
  const target = {
    organization: message.organization_id,
    ...(message.project_id !== undefined && { projectId: message.project_id }),
    ...(message.task_id !== undefined && { taskId: message.task_id }),
  };
  return message.type === 'resume'
    ? { type: 'resume', after: message.after, ...target }
    : { type: message.type, ...target };
}

export const isProblem = (value: ClientMessage | FrameProblem): value is FrameProblem =>
  'code' in value;

/**
 * The frame of each event, built once: a batch from the bus goes to every subscribed socket as
 * the same event object, and a thousand sockets need one frame, not a thousand encodings of its
 * text and a thousand headers (the broadcast ws's `Sender.frame` exists for, websockets/ws#1016).
 */
const eventFrames = new WeakMap<object, Buffer>();

/**
 * A message of the hub (or the transport's pong) as a whole WebSocket frame: one unfragmented,
 * unmasked text frame (RFC 6455 5.2; a server never masks), ready to be written to the socket.
 */
export function frameOf(message: RealtimeMessage | { readonly type: 'pong' }): Buffer {
  if (message.type !== 'event') return textFrame(JSON.stringify(jsonOf(message)));
  const known = eventFrames.get(message.event);
  if (known !== undefined) return known;
  const frame = textFrame(
    JSON.stringify({
      type: 'event',
      id: message.event.id,
      event: message.event.type,
      organization_id: message.event.organizationId,
      data: presentEvent(message.event),
    }),
  );
  eventFrames.set(message.event, frame);
  return frame;
}

/** FIN and the text opcode, then the payload's length in 7, 7+16 or 7+64 bits, then the UTF-8. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, header);
  return frame;
}

function jsonOf(message: Exclude<RealtimeMessage, { type: 'event' }> | { readonly type: 'pong' }) {
  switch (message.type) {
    case 'resync_required':
      return { type: message.type, organization_id: message.organizationId };
    case 'subscribed':
    case 'unsubscribed':
      return 'channel' in message
        ? { type: message.type, channel: message.channel }
        : {
            type: message.type,
            organization_id: message.organizationId,
            ...(message.projectId !== undefined && { project_id: message.projectId }),
            ...(message.taskId !== undefined && { task_id: message.taskId }),
          };
    case 'user_message':
      return { type: message.message.type, channel: 'user', data: message.message.data };
    case 'error':
      return { type: 'error', code: message.code, message: message.message };
    case 'pong':
      return { type: 'pong' };
  }
}
