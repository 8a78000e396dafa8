// Phone verification as use cases, where a test can step in between their steps: a code verifies
// only the number it was texted to, and a code is texted only once its change has committed.
import { describe, expect, it } from 'vitest';
import { updateProfile } from '../../../../src/application/identity/profile.js';
import { verifyPhone } from '../../../../src/application/identity/verify-phone.js';
import { ConflictError } from '../../../../src/domain/shared/errors.js';
import { signedIn } from '../actors.js';
import { depsOfThisFile } from '../deps.js';

const deps = depsOfThisFile();

/** The code of the last text to `to`, once the background work that sends it is done. */
async function lastCodeTo(to: string): Promise<string> {
  await deps.background.idle();
  const text = deps.sms.sent.filter((m) => m.to === to).at(-1);
  const code = /\b([0-9]{6})\b/.exec(text?.body ?? '')?.[1];
  if (code === undefined) throw new Error(`no code texted to ${to}`);
  return code;
}

describe('verifyPhone', () => {
  it('refuses a right code whose number was replaced while it was being compared', async () => {
    const me = await signedIn(deps);
    await updateProfile(deps, me.principal, { phoneNumber: '+31611111111' });
    const code = await lastCodeTo('+31611111111');
    const replacing = {
      ...deps,
      passwords: {
        ...deps.passwords,
        // The owner sets another number between the attempt being counted and the comparison.
        verify: async (hash: string, candidate: string) => {
          await updateProfile(deps, me.principal, { phoneNumber: '+31622222222' });
          return deps.passwords.verify(hash, candidate);
        },
      },
    };

    await expect(verifyPhone(replacing, me.principal, { code })).rejects.toBeInstanceOf(
      ConflictError,
    );

    const user = await deps.repos.users.findById(me.principal.userId);
    expect(user).toMatchObject({ phoneNumber: '+31622222222', phoneVerifiedAt: null });
    // The new number's own code still verifies it.
    const verified = await verifyPhone(deps, me.principal, {
      code: await lastCodeTo('+31622222222'),
    });
    expect(verified).toMatchObject({
      phoneNumber: '+31622222222',
      phoneVerifiedAt: deps.clock.now(),
    });
  });
});

describe('updateProfile with a phone number', () => {
  it('texts the code after the change commits, never inside it', async () => {
    const me = await signedIn(deps);
    let sentInside: boolean | undefined;
    const watching = {
      ...deps,
      uow: {
        ...deps.uow,
        run: <T>(work: Parameters<typeof deps.uow.run<T>>[0]) =>
          deps.uow.run(async (tx) => {
            const result = await work(tx);
            await deps.background.idle();
            sentInside = deps.sms.sent.some((m) => m.to === '+31633333333');
            return result;
          }),
      },
    };

    await updateProfile(watching, me.principal, { phoneNumber: '+31633333333' });

    expect(sentInside).toBe(false);
    expect(await lastCodeTo('+31633333333')).toMatch(/^[0-9]{6}$/);
  });
});
