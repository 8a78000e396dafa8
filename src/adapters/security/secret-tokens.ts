// Opaque secrets (refresh tokens, emailed tokens): 256 random bits, stored only as their SHA-256.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { SecretTokens } from '../../application/identity/ports.js';

export function cryptoSecretTokens(): SecretTokens {
  return {
    generate: () => randomBytes(32).toString('base64url'),
    numericCode: (length) => Array.from({ length }, () => String(randomInt(10))).join(''),
    // A plain hash suffices: the input has 256 bits of entropy, so there is nothing to brute-force.
    hash: (token) => createHash('sha256').update(token, 'utf8').digest('hex'),
  };
}
