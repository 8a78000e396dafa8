// Password hashing with argon2id; verifying a dummy hash keeps unknown emails as slow as wrong passwords.
import { randomBytes } from 'node:crypto';
import { argon2id, hash, verify as argon2Verify } from 'argon2';
import type { HashOptions } from 'argon2';
import type { PasswordHasher } from '../../application/identity/ports.js';

export interface Argon2Params {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/** OWASP's first argon2id choice: 19 MiB of memory, 2 passes, 1 lane. */
export const OWASP_ARGON2_PARAMS: Argon2Params = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export function argon2PasswordHasher(params: Argon2Params = OWASP_ARGON2_PARAMS): PasswordHasher {
  const options: HashOptions = { type: argon2id, ...params };
  let dummyHash: Promise<string> | undefined;

  async function verify(encoded: string, password: string): Promise<boolean> {
    try {
      return await argon2Verify(encoded, password);
    } catch {
      // A malformed or foreign hash is a failed login, not a server error.
      return false;
    }
  }

  return {
    hash: (password) => hash(password, options),
    verify,
    async verifyDummy(password) {
      dummyHash ??= hash(randomBytes(16).toString('base64url'), options);
      await verify(await dummyHash, password);
    },
  };
}
