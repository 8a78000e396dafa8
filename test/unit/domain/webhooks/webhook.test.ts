// The pure rules of webhooks: what an endpoint may hold (every broken rule at once), which events
// a subscription takes, the retry schedule, and when a failing endpoint is disabled.
import { describe, expect, it } from 'vitest';
import type { ValidationError } from '../../../../src/domain/shared/errors.js';
import {
  afterAttempt,
  disableIfFailingSince,
  isSuccess,
  RETRY_DELAYS_MS,
  subscribes,
  validatedWebhookFields,
} from '../../../../src/domain/webhooks/webhook.js';

const issuesOf = (fields: Parameters<typeof validatedWebhookFields>[0]) => {
  try {
    validatedWebhookFields(fields);
    return [];
  } catch (error) {
    return (error as ValidationError).details;
  }
};

describe('webhook fields', () => {
  it('normalise: trimmed URL and description, events without repeats', () => {
    expect(
      validatedWebhookFields({
        url: ' https://hooks.example.com/x?a=1 ',
        events: ['task.*', 'task.*', '*'],
        description: '  CI  ',
      }),
    ).toEqual({
      url: 'https://hooks.example.com/x?a=1',
      events: ['task.*', '*'],
      description: 'CI',
    });
  });

  it.each([
    ['not a url', 'Not a URL'],
    ['ftp://example.com/', 'Must be http:// or https://'],
    ['https://user:pw@example.com/', 'Must not hold credentials'],
    ['https://example.com/#frag', 'Must not hold a #fragment'],
    [`https://example.com/${'a'.repeat(2000)}`, 'At most 2000 characters'],
  ])('refuse the URL %s', (url, message) => {
    expect(issuesOf({ url })).toEqual([{ field: 'url', message }]);
  });

  it('report every broken rule at once', () => {
    expect(
      issuesOf({
        url: 'mailto:a@b',
        events: ['task.created', 'tasks.*', 'nope'],
        description: 'x'.repeat(501),
      }).map((issue) => issue.field),
    ).toEqual(['url', 'events.1', 'events.2', 'description']);
    expect(issuesOf({ events: [] })).toEqual([{ field: 'events', message: '1–100 event types' }]);
  });
});

describe('subscriptions', () => {
  it.each([
    [['task.created'], 'task.created', true],
    [['task.created'], 'task.updated', false],
    [['task.*'], 'task.moved', true],
    [['task.*'], 'comment.created', false],
    [['*'], 'organization.updated', true],
    [['comment.*', 'label.deleted'], 'label.deleted', true],
  ])('%j takes %s: %s', (events, type, taken) => {
    expect(subscribes(events, type)).toBe(taken);
  });
});

describe('retries', () => {
  const at = new Date('2026-03-01T12:00:00Z');

  it('only 2xx is a success', () => {
    expect([200, 204, 299].map(isSuccess)).toEqual([true, true, true]);
    expect([null, 199, 301, 302, 404, 500].map(isSuccess)).toEqual(Array(6).fill(false));
  });

  it('follow 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: about a day, then the delivery failed', () => {
    const delays = RETRY_DELAYS_MS.map((_, i) => {
      const outcome = afterAttempt(i + 1, false, at);
      return outcome.status === 'pending' ? outcome.nextAttemptAt.getTime() - at.getTime() : -1;
    });
    expect(delays).toEqual([5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6]);
    const total = delays.reduce((sum, delay) => sum + delay, 0);
    expect(total / 3_600_000).toBeCloseTo(27.59, 1);
    expect(afterAttempt(8, false, at)).toEqual({ status: 'failed' });
    expect(afterAttempt(3, true, at)).toEqual({ status: 'delivered' });
  });

  it('disable an endpoint failing since before N days ago', () => {
    expect(disableIfFailingSince(at, 5)).toEqual(new Date('2026-02-24T12:00:00Z'));
  });
});
