// The realtime gateway writes each message as a whole frame it built itself (textFrame): read
// back here by ws's own Receiver, the parser of every ws client, at each length encoding's edges.
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { textFrame } from '../../../src/adapters/realtime/messages.js';

/** ws's frame parser, which its package exports and its types (@types/ws) leave out. */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean }) => FrameReceiver;
};

/** The text messages ws's client-side parser reads out of `bytes`. */
function parsed(bytes: Buffer): string[] {
  const receiver = new Receiver({ isServer: false });
  const messages: string[] = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(false);
    messages.push(data.toString());
  });
  receiver.on('error', (error: Error) => {
    throw error;
  });
  receiver.write(bytes);
  return messages;
}

describe('textFrame', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])(
    'a text of %i bytes is one unmasked, final text frame ws reads back whole',
    (length) => {
      const text = 'x'.repeat(length);
      const frame = textFrame(text);
      expect(frame[0]).toBe(0x81); // FIN, text
      expect(frame[1]! & 0x80).toBe(0); // unmasked
      expect(frame.length).toBe(length + (length < 126 ? 2 : length < 65_536 ? 4 : 10));
      expect(parsed(frame)).toEqual([text]);
    },
  );

  it('counts UTF-8 bytes, not characters, and frames back to back are read apart', () => {
    const texts = ['{"title":"Tâche ✓"}', 'é'.repeat(70), '🙂'.repeat(40_000)];
    const frames = texts.map((text) => textFrame(text));
    expect(frames[1]![1]).toBe(126); // 140 bytes of 70 characters: the 16-bit length
    expect(parsed(Buffer.concat(frames))).toEqual(texts);
  });
});
