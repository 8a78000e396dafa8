// Ed25519 signing keys as JWKs: generating, parsing JWT_PRIVATE_KEY, and the dev key kept in DATA_DIR.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';

/** A fresh Ed25519 private JWK whose kid is its RFC 7638 thumbprint. */
export async function generateEd25519Jwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('Ed25519', { extractable: true });
  const { crv, x, d } = await exportJWK(privateKey);
  if (crv !== 'Ed25519' || x === undefined || d === undefined) {
    throw new Error('Ed25519 key export returned an unexpected JWK');
  }
  const publicPart = { kty: 'OKP', crv, x };
  return { ...publicPart, d, kid: await calculateJwkThumbprint(publicPart), alg: 'EdDSA' };
}

/** Parses and checks an Ed25519 private JWK (the JWT_PRIVATE_KEY variable); throws a readable Error. */
export function parsePrivateJwk(json: string): JWK {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('JWT private key is not valid JSON (expected an Ed25519 private JWK)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('JWT private key must be a JSON object (an Ed25519 private JWK)');
  }
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') {
    throw new Error('JWT private key must be an Ed25519 JWK ("kty": "OKP", "crv": "Ed25519")');
  }
  if (typeof jwk.x !== 'string' || jwk.x === '') {
    throw new Error('JWT private key lacks its public part "x"');
  }
  if (typeof jwk.d !== 'string' || jwk.d === '') {
    throw new Error('JWT private key lacks its private part "d" (a public key cannot sign)');
  }
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') {
    throw new Error('JWT private key "kid" must be a string');
  }
  return jwk;
}

/**
 * The development signing key: `<dataDir>/keys/jwt-ed25519.json`, created on first use so tokens
 * survive restarts. Production supplies JWT_PRIVATE_KEY instead.
 */
export async function loadOrCreateDevJwk(dataDir: string): Promise<JWK> {
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'jwt-ed25519.json');
  try {
    return parsePrivateJwk(await readFile(file, 'utf8'));
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const jwk = await generateEd25519Jwk();
  try {
    // 'wx': when two processes start together, the second keeps the first one's key.
    await writeFile(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return jwk;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'EEXIST') {
      return parsePrivateJwk(await readFile(file, 'utf8'));
    }
    throw error;
  }
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
