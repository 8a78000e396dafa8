// Ed25519 signing keys as JWKs: generating, parsing JWT_PRIVATE_KEY and JWT_PREVIOUS_PUBLIC_KEYS,
// and the dev key kept in DATA_DIR.
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
  const value = parseJson(json, 'JWT private key', 'an Ed25519 private JWK');
  if (!isObject(value)) {
    throw new Error('JWT private key must be a JSON object (an Ed25519 private JWK)');
  }
  return checkedJwk(value, 'JWT private key', { isPrivate: true });
}

/**
 * JWT_PRIVATE_KEY: one Ed25519 private JWK, a JSON array of them or a JWK Set (`{"keys": […]}`),
 * newest first. The first signs; the others only verify, so tokens they signed before a rotation
 * keep working until the key is removed.
 */
export function parseSigningKeys(json: string): { signing: JWK; previous: JWK[] } {
  const [signing, ...previous] = parseJwkList(json, 'JWT_PRIVATE_KEY', { isPrivate: true });
  if (signing === undefined) throw new Error('JWT_PRIVATE_KEY holds no key');
  return { signing, previous };
}

/**
 * JWT_PREVIOUS_PUBLIC_KEYS: retired keys that still verify (one public JWK, an array or a JWK Set),
 * for a rotation that removes the old private key at once. A private part, if given, is dropped.
 */
export function parsePublicJwks(json: string): JWK[] {
  return parseJwkList(json, 'JWT_PREVIOUS_PUBLIC_KEYS', { isPrivate: false }).map(
    ({ d: _d, ...publicPart }) => publicPart,
  );
}

function parseJwkList(json: string, label: string, options: { isPrivate: boolean }): JWK[] {
  const value = parseJson(json, label, 'an Ed25519 JWK, an array of them or a JWK Set');
  const list = Array.isArray(value)
    ? (value as unknown[])
    : isObject(value) && Array.isArray(value.keys)
      ? (value.keys as unknown[])
      : [value];
  return list.map((entry, index) => {
    const where = list.length === 1 ? label : `${label} key ${index + 1}`;
    if (!isObject(entry)) throw new Error(`${where} must be a JSON object (an Ed25519 JWK)`);
    return checkedJwk(entry, where, options);
  });
}

function checkedJwk(
  jwk: Record<string, unknown>,
  label: string,
  { isPrivate }: { isPrivate: boolean },
): JWK {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') {
    throw new Error(`${label} must be an Ed25519 JWK ("kty": "OKP", "crv": "Ed25519")`);
  }
  if (typeof jwk.x !== 'string' || jwk.x === '') {
    throw new Error(`${label} lacks its public part "x"`);
  }
  if (isPrivate && (typeof jwk.d !== 'string' || jwk.d === '')) {
    throw new Error(`${label} lacks its private part "d" (a public key cannot sign)`);
  }
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') {
    throw new Error(`${label} "kid" must be a string`);
  }
  return jwk;
}

function parseJson(json: string, label: string, expected: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new Error(`${label} is not valid JSON (expected ${expected})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
