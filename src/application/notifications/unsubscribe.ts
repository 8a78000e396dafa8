// The one-click unsubscribe of a notification email (RFC 8058): its signed token names a member,
// an organization, a kind and a channel; using it takes that channel off that kind in the
// member's own preferences (what they had chosen, else what the organization's defaults or the
// built-in ones gave them), the rest of their choices kept. No login: the token is the proof.
import { deliveryPlan, type Channel } from '../../domain/notifications/preferences.js';
import { BadRequestError, notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import type { Unsubscription } from './ports.js';

export interface UnsubscribeOutcome {
  readonly unsubscription: Unsubscription;
  readonly organizationName: string;
  /** The kind's channels for the member after (or, to look, without) the unsubscribe. */
  readonly channels: readonly Channel[];
}

type UnsubscribeDeps = Pick<Deps, 'uow' | 'clock' | 'unsubscribeTokens'>;

/** What the token names: 400 when it is malformed or tampered with. */
function unsubscriptionOf(deps: Pick<Deps, 'unsubscribeTokens'>, token: string): Unsubscription {
  const found = deps.unsubscribeTokens.verify(token);
  if (found === undefined) throw new BadRequestError('The unsubscribe link is invalid');
  return found;
}

/** The member's current channels for the token's kind: 404 when they are not a member. */
async function currentChannels(tx: Repositories, unsubscription: Unsubscription) {
  const { userId, organizationId, kind } = unsubscription;
  const members = await tx.notifications.audience.membersAmong(organizationId, [userId]);
  if (!members.has(userId)) notFound('membership');
  const organization = (await tx.organizations.find(organizationId)) ?? notFound('organization');
  const member = await tx.notifications.preferences.ofMember(organizationId, userId);
  const defaults = await tx.notifications.preferences.ofOrganization(organizationId);
  const { channels } = deliveryPlan(
    kind,
    { member: member.channels, organization: defaults.channels },
    new Date(0),
  );
  return { organization, member, channels };
}

/** What using the token would do (the page that asks before the one-click POST). */
export function readUnsubscribe(deps: UnsubscribeDeps, token: string): Promise<UnsubscribeOutcome> {
  const unsubscription = unsubscriptionOf(deps, token);
  return deps.uow.read(
    async (tx) => {
      const { organization, channels } = await currentChannels(tx, unsubscription);
      return { unsubscription, organizationName: organization.name, channels };
    },
    { organizationId: unsubscription.organizationId },
  );
}

/** Takes the token's channel off its kind for its member; using a token again changes nothing. */
export function unsubscribe(deps: UnsubscribeDeps, token: string): Promise<UnsubscribeOutcome> {
  const unsubscription = unsubscriptionOf(deps, token);
  const { userId, organizationId, kind, channel } = unsubscription;
  return deps.uow.run(
    async (tx) => {
      const current = await currentChannels(tx, unsubscription);
      const channels = current.channels.filter((c) => c !== channel);
      if (channels.length !== current.channels.length) {
        await tx.notifications.preferences.saveMember(
          organizationId,
          userId,
          {
            channels: { ...current.member.channels, [kind]: channels },
            quietHours: current.member.quietHours,
          },
          deps.clock.now(),
        );
      }
      return { unsubscription, organizationName: current.organization.name, channels };
    },
    { organizationId },
  );
}
