// The signed-in user's own profile: name, time zone, and a password change that ends other sessions.
import { describe, expect, it } from 'vitest';
import { authenticate } from '../../../../src/application/identity/authenticate.js';
import { login } from '../../../../src/application/identity/login.js';
import { getProfile, updateProfile } from '../../../../src/application/identity/profile.js';
import { refresh } from '../../../../src/application/identity/refresh.js';
import {
  PreconditionFailedError,
  UnauthenticatedError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import { PASSWORD, signedIn, signInAgain } from '../actors.js';
import { depsOfThisFile } from '../deps.js';

const NEW_PASSWORD = 'a-brand-new-password';

const deps = depsOfThisFile();

describe('getProfile', () => {
  it('returns the caller', async () => {
    const me = await signedIn(deps);
    expect(await getProfile(deps, me.principal)).toEqual(me.user);
  });
});

describe('updateProfile', () => {
  it('changes the name (trimmed) and the time zone, bumping the version', async () => {
    const me = await signedIn(deps);
    deps.clock.advance(1000);
    const updated = await updateProfile(deps, me.principal, {
      name: '  Grace Hopper ',
      timezone: 'America/New_York',
    });
    expect(updated).toMatchObject({
      name: 'Grace Hopper',
      timezone: 'America/New_York',
      version: me.user.version + 1,
      updatedAt: deps.clock.now(),
    });
    expect(await getProfile(deps, me.principal)).toEqual(updated);
  });

  it('changes at the expected version; a stale one changes nothing, a password included', async () => {
    const me = await signedIn(deps);
    const version = me.user.version;
    const updated = await updateProfile(deps, me.principal, {
      name: 'First',
      expectedVersion: version,
    });
    expect(updated.version).toBe(version + 1);
    await expect(
      updateProfile(deps, me.principal, {
        name: 'Lost',
        password: NEW_PASSWORD,
        currentPassword: PASSWORD,
        expectedVersion: version,
      }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await getProfile(deps, me.principal)).toEqual(updated);
    // The password did not change: the old one still signs in.
    await expect(signInAgain(deps, me)).resolves.toBeDefined();
  });

  it('refuses an unknown time zone', async () => {
    const me = await signedIn(deps);
    const attempt = updateProfile(deps, me.principal, { timezone: 'Mars/Olympus' });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ details: [{ field: 'timezone' }] });
  });

  it.each([
    ['without the current password', { password: NEW_PASSWORD }],
    ['with a wrong current password', { password: NEW_PASSWORD, currentPassword: 'not-it-at-all' }],
    ['to one that is too short', { password: 'short', currentPassword: PASSWORD }],
  ])('refuses a password change %s and keeps the old password', async (_label, input) => {
    const me = await signedIn(deps);
    await expect(updateProfile(deps, me.principal, input)).rejects.toBeInstanceOf(ValidationError);
    await expect(login(deps, { email: me.email, password: PASSWORD })).resolves.toBeDefined();
  });

  it('names current_password when the current password is missing or wrong', async () => {
    const me = await signedIn(deps);
    await expect(
      updateProfile(deps, me.principal, { password: NEW_PASSWORD }),
    ).rejects.toMatchObject({ details: [{ field: 'current_password' }] });
    await expect(
      updateProfile(deps, me.principal, { password: NEW_PASSWORD, currentPassword: 'nope-nope' }),
    ).rejects.toMatchObject({ details: [{ field: 'current_password' }] });
  });

  it('changes nothing else when the current password is wrong', async () => {
    const me = await signedIn(deps);
    await expect(
      updateProfile(deps, me.principal, {
        name: 'Changed',
        password: NEW_PASSWORD,
        currentPassword: 'nope-nope',
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await getProfile(deps, me.principal)).name).toBe(me.user.name);
  });

  it('changes the password with the current one, ending the other sessions but not this one', async () => {
    const here = await signedIn(deps);
    const there = await signInAgain(deps, here);
    await authenticate(deps, there.accessToken); // its liveness is now cached

    await updateProfile(deps, here.principal, {
      password: NEW_PASSWORD,
      currentPassword: PASSWORD,
    });

    const active = await deps.repos.sessions.listActive(here.user.id, deps.clock.now());
    expect(active.map((s) => s.id)).toEqual([here.principal.sessionId]);
    await expect(authenticate(deps, here.accessToken)).resolves.toEqual(here.principal);
    await expect(authenticate(deps, there.accessToken)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    await expect(refresh(deps, { refreshToken: there.refreshToken })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    await expect(login(deps, { email: here.email, password: NEW_PASSWORD })).resolves.toBeDefined();
  });

  it('leaves the other sessions open when only the name changes', async () => {
    const here = await signedIn(deps);
    const there = await signInAgain(deps, here);
    await updateProfile(deps, here.principal, { name: 'Renamed' });
    await expect(authenticate(deps, there.accessToken)).resolves.toEqual(there.principal);
  });
});
