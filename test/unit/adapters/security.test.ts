// The security adapters: argon2id hashing, opaque secrets, EdDSA access tokens and their keys.
import { execFile, execFileSync } from 'node:child_process';
import { pbkdf2 } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignJWT, UnsecuredJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2PasswordHasher } from '../../../src/adapters/security/argon2-password-hasher.js';
import { joseAccessTokens } from '../../../src/adapters/security/jose-access-tokens.js';
import type { JoseAccessTokenService } from '../../../src/adapters/security/jose-access-tokens.js';
import {
  generateEd25519Jwk,
  loadOrCreateDevJwk,
  parsePrivateJwk,
  parsePublicJwks,
  parseSigningKeys,
} from '../../../src/adapters/security/jwt-keys.js';
import { cryptoSecretTokens } from '../../../src/adapters/security/secret-tokens.js';
import { UnauthenticatedError } from '../../../src/domain/shared/errors.js';

const execFileAsync = promisify(execFile);

describe('argon2PasswordHasher', () => {
  const hasher = argon2PasswordHasher();

  it('hashes with argon2id at the OWASP parameters', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    const [, algorithm, version, params] = hash.split('$');
    expect(algorithm).toBe('argon2id');
    expect(version).toBe('v=19');
    // The PHC string lists parameters in the library's order (m,p,t here), so compare as a set.
    expect(params?.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'wrong horse')).toBe(false);
  });

  it('verifies hashes written by node-argon2, the library used before (same PHC strings)', async () => {
    // Made by node-argon2 0.45 (the reference C implementation) at the OWASP parameters.
    const written =
      '$argon2id$v=19$m=19456,p=1,t=2$OM9/f3NdmfrXyve2jswuBQ$5QRLGcMQYYPJSpEjwkpNt51qdpHsXXf6bgTfaOcqoc4';
    expect(await hasher.verify(written, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(written, 'correct horse battery stapler')).toBe(false);
  });

  it.each(['', 'not-a-hash', '$argon2id$v=19$m=19456,t=2,p=1$broken', '$2b$10$bcryptlooking'])(
    'answers false, without throwing, for the malformed hash %j',
    async (malformed) => {
      expect(await hasher.verify(malformed, 'whatever')).toBe(false);
    },
  );

  it('answers every one of many verifies queued at once, each with its own result', async () => {
    const hash = await hasher.hash('right');
    const passwords = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 'right' : `wrong-${i}`));
    const answers = await Promise.all(passwords.map((p) => hasher.verify(hash, p)));
    expect(answers).toEqual(passwords.map((p) => p === 'right'));
  });

  it('hashes off the libuv pool: verifies finish while every pool thread is held', async () => {
    const fourLanes = argon2PasswordHasher(undefined, 4);
    const hash = await fourLanes.hash('right');
    // Start every lane before the pool is taken, so only the hashing itself is being tested.
    await Promise.all(Array.from({ length: 4 }, () => fourLanes.verify(hash, 'right')));
    // Opening a FIFO for reading blocks the libuv thread doing it until a writer comes: one open
    // per pool thread holds the whole pool, without spending CPU, for as long as the test wants.
    const dir = await mkdtemp(join(tmpdir(), 'teamflow-pool-'));
    const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const fifos = Array.from({ length: poolSize }, (_, i) => join(dir, `fifo-${i}`));
    for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
    const readers = fifos.map((fifo) => open(fifo, 'r'));
    try {
      // A pool job that cannot start until a thread comes free shows the pool really is held.
      let poolJobDone = false;
      const poolJob = new Promise<void>((resolve, reject) =>
        pbkdf2('x', 'salt', 1, 32, 'sha256', (error) => (error ? reject(error) : resolve())),
      ).then(() => {
        poolJobDone = true;
      });
      // Had the hashes gone to the pool, they would wait behind the readers and this would time out.
      const answers = await Promise.race([
        Promise.all(
          Array.from({ length: 6 }, (_, i) => fourLanes.verify(hash, i % 2 ? 'right' : 'no')),
        ),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the verifies waited for the libuv pool')), 15_000),
        ),
      ]);
      expect(answers).toEqual([false, true, false, true, false, true]);
      expect(poolJobDone).toBe(false);
      // Let the readers through (a writer opening a FIFO with a reader waiting does not block).
      for (const fifo of fifos) closeSync(openSync(fifo, 'w'));
      for (const reader of await Promise.all(readers)) await reader.close();
      await poolJob;
      expect(poolJobDone).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('lets the process exit once its hashes are done, and not before', async () => {
    // Before: an idle lane kept the process alive (the benchmark's seed never exited); a lane
    // unref'd while busy let a script end in the middle of its hash.
    const fixture = fileURLToPath(new URL('../../support/hash-and-finish.ts', import.meta.url));
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', fixture], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('true $argon2id$');
  }, 30_000);

  it('refuses a lane count that is not a whole number of at least 1', () => {
    expect(() => argon2PasswordHasher(undefined, 0)).toThrow(/lanes/);
    expect(() => argon2PasswordHasher(undefined, 1.5)).toThrow(/lanes/);
  });

  it('spends a verify on the dummy hash and resolves', async () => {
    await expect(hasher.verifyDummy('anything')).resolves.toBeUndefined();
    await expect(hasher.verifyDummy('anything else')).resolves.toBeUndefined();
  });
});

describe('cryptoSecretTokens', () => {
  const tokens = cryptoSecretTokens();

  it('generates 43-character base64url secrets, each different', () => {
    const generated = Array.from({ length: 50 }, () => tokens.generate());
    for (const token of generated) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(generated).size).toBe(50);
  });

  it('hashes deterministically to 64 hex characters', () => {
    const token = tokens.generate();
    expect(tokens.hash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens.hash(token)).toBe(tokens.hash(token));
    expect(tokens.hash(token)).not.toBe(tokens.hash(tokens.generate()));
  });

  it('makes numeric codes of the length asked, every digit in every place', () => {
    const codes = Array.from({ length: 400 }, () => tokens.numericCode(6));
    for (const code of codes) expect(code).toMatch(/^[0-9]{6}$/);
    // 400 codes leave a given digit out of a given place with probability 0.9^400 ≈ 5e-19.
    for (let place = 0; place < 6; place++) {
      expect(new Set(codes.map((code) => code[place])).size).toBe(10);
    }
  });
});

/** A clock that stands still until the test moves it. */
function handClock(start: Date) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(seconds: number) {
      current += seconds * 1000;
    },
  };
}

describe('joseAccessTokens', () => {
  const issuer = 'teamflow';
  const audience = 'teamflow-api';
  const subject = { userId: 'user-1', sessionId: 'session-1' };
  const clock = handClock(new Date('2026-12-05T08:00:00Z'));
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  let jwk: JWK;
  let service: JoseAccessTokenService;

  beforeAll(async () => {
    jwk = await generateEd25519Jwk();
    service = await joseAccessTokens({ privateJwk: jwk, issuer, audience, clock });
  });

  async function sign(
    key: JWK,
    claims: { iss?: string; aud?: string; exp?: number; sub?: string; sid?: string },
  ): Promise<string> {
    const jwt = new SignJWT(claims.sid === undefined ? {} : { sid: claims.sid })
      .setProtectedHeader({ alg: 'EdDSA', kid: service.jwks().keys[0]?.kid ?? '', typ: 'JWT' })
      .setIssuedAt(nowSeconds())
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud ?? audience)
      .setExpirationTime(claims.exp ?? nowSeconds() + 60);
    if (claims.sub !== undefined) jwt.setSubject(claims.sub);
    return jwt.sign(await importJWK(key, 'EdDSA'));
  }

  it('round-trips the user and session, issued now by the clock and expiring 15 minutes later', async () => {
    const token = await service.issue(subject);
    const claims = await service.verify(token);
    expect(claims).toEqual({ ...subject, expiresAt: new Date(clock.now().getTime() + 900_000) });
    expect(service.ttlSeconds).toBe(900);
    expect(decodeJwt(token).iat).toBe(nowSeconds());
  });

  it('signs with EdDSA under the kid published in the JWKS', async () => {
    const header = decodeProtectedHeader(await service.issue(subject));
    expect(header).toEqual({ alg: 'EdDSA', kid: service.jwks().keys[0]?.kid, typ: 'JWT' });
    expect(header.kid).toBe(jwk.kid);
  });

  it('derives the kid from the RFC 7638 thumbprint when the JWK has none', async () => {
    const { kid, ...withoutKid } = jwk;
    const derived = await joseAccessTokens({ privateJwk: withoutKid, issuer, audience, clock });
    expect(derived.jwks().keys[0]?.kid).toBe(kid);
  });

  it('publishes only the public key', () => {
    const { keys } = service.jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: jwk.x,
      kid: jwk.kid,
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('accepts a token it did not issue but that is otherwise valid', async () => {
    const token = await sign(jwk, { sub: 'user-2', sid: 'session-2' });
    await expect(service.verify(token)).resolves.toMatchObject({ userId: 'user-2' });
  });

  const rejected: Array<[string, () => Promise<string> | string]> = [
    [
      'signed with another key',
      async () => sign(await generateEd25519Jwk(), { sub: 'u', sid: 's' }),
    ],
    ['for another audience', () => sign(jwk, { sub: 'u', sid: 's', aud: 'someone-else' })],
    ['from another issuer', () => sign(jwk, { sub: 'u', sid: 's', iss: 'someone-else' })],
    ['expired', () => sign(jwk, { sub: 'u', sid: 's', exp: nowSeconds() - 10 })],
    ['without sid', () => sign(jwk, { sub: 'u' })],
    ['without sub', () => sign(jwk, { sid: 's' })],
    [
      'with alg none',
      () =>
        new UnsecuredJWT({ sid: 's' })
          .setSubject('u')
          .setIssuer(issuer)
          .setAudience(audience)
          .setIssuedAt(nowSeconds())
          .setExpirationTime(nowSeconds() + 300)
          .encode(),
    ],
    [
      'with a tampered payload',
      async () => {
        const [header, , signature] = (await service.issue(subject)).split('.');
        const payload = Buffer.from(
          JSON.stringify({ sub: 'admin', sid: 's', iss: issuer, aud: audience, exp: 9e9 }),
        ).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    ['that is garbage', () => 'not.a.jwt'],
    ['that is empty', () => ''],
  ];

  it.each(rejected)('refuses a token %s with UnauthenticatedError', async (_name, make) => {
    const token = await make();
    const failure = service.verify(token);
    await expect(failure).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(failure).rejects.toThrow('Invalid or expired access token');
  });

  it('refuses its own token once the clock reaches its expiry, and not a second before', async () => {
    const own = handClock(clock.now());
    const tokens = await joseAccessTokens({ privateJwk: jwk, issuer, audience, clock: own });
    const token = await tokens.issue(subject);
    own.advance(899);
    await expect(tokens.verify(token)).resolves.toMatchObject(subject);
    own.advance(1);
    await expect(tokens.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses a token it verified (and remembers) once the clock passes its expiry', async () => {
    const own = handClock(clock.now());
    const tokens = await joseAccessTokens({ privateJwk: jwk, issuer, audience, clock: own });
    const token = await tokens.issue(subject);
    // Verified before any advance, this token is served from the memo afterwards.
    await expect(tokens.verify(token)).resolves.toMatchObject(subject);
    own.advance(899);
    await expect(tokens.verify(token)).resolves.toMatchObject(subject);
    own.advance(1);
    await expect(tokens.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('does not take a remembered token with one character changed', async () => {
    const token = await service.issue(subject);
    await expect(service.verify(token)).resolves.toMatchObject(subject);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const changed = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    await expect(service.verify(changed)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses to start with a public-only key', async () => {
    const { d: _d, ...publicOnly } = jwk;
    await expect(
      joseAccessTokens({ privateJwk: publicOnly, issuer, audience, clock }),
    ).rejects.toThrow();
  });
});

describe('jwt keys', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teamflow-jwk-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('generates an extractable Ed25519 private JWK with a kid', async () => {
    const jwk = await generateEd25519Jwk();
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(jwk.d).toEqual(expect.any(String));
    expect(jwk.x).toEqual(expect.any(String));
    expect(jwk.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('creates the dev key once, private to its owner, and returns the same key after', async () => {
    const first = await loadOrCreateDevJwk(dataDir);
    const file = join(dataDir, 'keys', 'jwt-ed25519.json');
    const written = await readFile(file, 'utf8');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = await loadOrCreateDevJwk(dataDir);
    expect(second).toEqual(first);
    expect(await readFile(file, 'utf8')).toBe(written);
    expect(parsePrivateJwk(written)).toEqual(first);
  });

  it('parses a private Ed25519 JWK', async () => {
    const jwk = await generateEd25519Jwk();
    expect(parsePrivateJwk(JSON.stringify(jwk))).toEqual(jwk);
  });

  it.each([
    [
      'a public-only key',
      async () => JSON.stringify({ ...(await generateEd25519Jwk()), d: undefined }),
      /"d"/,
    ],
    [
      'an EC key',
      () => JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }),
      /Ed25519/,
    ],
    [
      'an X25519 key',
      () => JSON.stringify({ kty: 'OKP', crv: 'X25519', x: 'a', d: 'b' }),
      /Ed25519/,
    ],
    ['not JSON', () => 'not json', /JSON/],
    ['a JSON array', () => '[]', /object/],
  ])('rejects %s with a clear message', async (_name, make, message) => {
    const json = await make();
    expect(() => parsePrivateJwk(json)).toThrow(message);
  });
  it('reads JWT_PRIVATE_KEY as one JWK (the signing key), an array or a JWK Set, newest first', async () => {
    const [newest, older, oldest] = await Promise.all([1, 2, 3].map(() => generateEd25519Jwk()));
    expect(parseSigningKeys(JSON.stringify(newest))).toEqual({ signing: newest, previous: [] });
    expect(parseSigningKeys(JSON.stringify([newest, older, oldest]))).toEqual({
      signing: newest,
      previous: [older, oldest],
    });
    expect(parseSigningKeys(JSON.stringify({ keys: [newest, older] }))).toEqual({
      signing: newest,
      previous: [older],
    });
  });

  it.each([
    ['an empty array', () => '[]', /no key/],
    ['an empty JWK Set', () => '{"keys":[]}', /no key/],
    [
      'a list with a public-only key',
      async () => {
        const { d: _d, ...publicOnly } = await generateEd25519Jwk();
        return JSON.stringify([await generateEd25519Jwk(), publicOnly]);
      },
      /key 2 lacks its private part "d"/,
    ],
    [
      'a list with a string in it',
      async () => JSON.stringify([await generateEd25519Jwk(), 'x']),
      /key 2/,
    ],
    ['not JSON', () => '[{', /JWT_PRIVATE_KEY is not valid JSON/],
  ])('refuses JWT_PRIVATE_KEY holding %s, naming the key', async (_name, make, message) => {
    const json = await make();
    expect(() => parseSigningKeys(json)).toThrow(message);
  });

  it('reads JWT_PREVIOUS_PUBLIC_KEYS as public keys, dropping any private part', async () => {
    const [one, two] = await Promise.all([generateEd25519Jwk(), generateEd25519Jwk()]);
    const { d: _d, ...onePublic } = one;
    const { d: _d2, ...twoPublic } = two;
    expect(parsePublicJwks(JSON.stringify(onePublic))).toEqual([onePublic]);
    expect(parsePublicJwks(JSON.stringify({ keys: [one, twoPublic] }))).toEqual([
      onePublic,
      twoPublic,
    ]);
    expect(() => parsePublicJwks('[{"kty":"RSA","n":"x","e":"AQAB"}]')).toThrow(/Ed25519/);
  });
});
