// Mentions: @handle (an email's local part, unique among the members) and @email; what names no
// member, or more than one, names no one.
import { describe, expect, it } from 'vitest';
import {
  handleOf,
  mentionedMembers,
  parseMentions,
} from '../../../../src/domain/notifications/mentions.js';

describe('parseMentions', () => {
  it('reads handles and emails, lower-cased, each once, without a sentence’s full stop', () => {
    expect(parseMentions('@Ada, ask @bob.smith@Example.com. cc @ada and @x.')).toEqual({
      handles: ['ada', 'x'],
      emails: ['bob.smith@example.com'],
    });
  });

  it('does not read the domain of an email in prose, nor a lone @', () => {
    expect(parseMentions('write to ada@example.com or @ now')).toEqual({ handles: [], emails: [] });
  });
});

describe('mentionedMembers', () => {
  const members = [
    { userId: 'u-ada', email: 'Ada@example.com' },
    { userId: 'u-bob1', email: 'bob@one.example' },
    { userId: 'u-bob2', email: 'bob@two.example' },
  ];

  it('names a member by unique handle or by email, each once', () => {
    const mentions = { handles: ['ada'], emails: ['ada@example.com', 'bob@two.example'] };
    expect(mentionedMembers(mentions, members)).toEqual(['u-ada', 'u-bob2']);
  });

  it('names no one for a handle two members share, or one nobody has', () => {
    expect(mentionedMembers({ handles: ['bob', 'eve'], emails: [] }, members)).toEqual([]);
  });

  it('takes the handle as the email’s local part, up to its last @', () => {
    expect(handleOf('Ada.Lovelace@example.com')).toBe('ada.lovelace');
  });
});
