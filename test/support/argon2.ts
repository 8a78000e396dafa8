// The argon2 parameters of use-case and HTTP tests.
import type { Argon2Params } from '../../src/adapters/security/argon2-password-hasher.js';

/**
 * The cheapest argon2id the library accepts (8 KiB is the minimum for one lane, 1 pass): tests
 * register and log in hundreds of people, and at the OWASP parameters hashing took well over a
 * third of the suite's time. What the parameters themselves do is tested where they are real: the
 * hasher's own tests (test/unit/adapters/security.test.ts) and the end-to-end process tests
 * (test/e2e), which run the real composition.
 */
export const CHEAP_ARGON2_PARAMS: Argon2Params = Object.freeze({
  memoryCost: 8,
  timeCost: 1,
  parallelism: 1,
});
