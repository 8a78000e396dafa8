// Mentions in a comment: `@handle` or `@email`. A member's handle is the local part of their email
// (`ada` for ada@example.com), compared ignoring case, and names a member only when it is unique
// among the organization's members; a full email always names its member. A mention that names
// no member (a stranger, an ambiguous handle) notifies no one.

export interface MentionedMember {
  readonly userId: string;
  readonly email: string;
}

/** What a comment mentions: handles and emails, lower-cased, each once. */
export interface Mentions {
  readonly handles: readonly string[];
  readonly emails: readonly string[];
}

// After start or a character that cannot end an email (so `ada@example.com` in prose is no
// mention of `example.com`), `@` then an email or a handle.
const MENTION =
  /(?<![\p{L}\p{N}._%+-])@([\p{L}\p{N}._%+-]+(?:@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)?)/gu;

export function parseMentions(body: string): Mentions {
  const handles = new Set<string>();
  const emails = new Set<string>();
  for (const match of body.matchAll(MENTION)) {
    // A sentence's full stop after a mention is not part of it.
    const token = match[1]!.toLowerCase().replace(/\.+$/, '');
    if (token.includes('@')) emails.add(token);
    else if (token.length > 0) handles.add(token);
  }
  return { handles: [...handles], emails: [...emails] };
}

export const handleOf = (email: string): string =>
  email.slice(0, email.lastIndexOf('@')).toLowerCase();

/**
 * The members `mentions` name, each once, from `candidates`: the members whose email or handle
 * is among them (the store narrows to those; this decides).
 */
export function mentionedMembers(
  mentions: Mentions,
  candidates: readonly MentionedMember[],
): string[] {
  const byHandle = new Map<string, MentionedMember[]>();
  for (const member of candidates) {
    const handle = handleOf(member.email);
    byHandle.set(handle, [...(byHandle.get(handle) ?? []), member]);
  }
  const named = new Set<string>();
  for (const member of candidates) {
    if (mentions.emails.includes(member.email.toLowerCase())) named.add(member.userId);
  }
  for (const handle of mentions.handles) {
    const members = byHandle.get(handle) ?? [];
    if (members.length === 1) named.add(members[0]!.userId);
  }
  return [...named];
}
