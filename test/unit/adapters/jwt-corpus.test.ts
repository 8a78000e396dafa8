// Hostile access tokens, one per way a JWT verifier has been fooled: each is forged by hand (the
// signing input, then an Ed25519 signature with the real key, an unknown key, an HMAC keyed with
// the public key, or none), and each differs from a token the service accepts in one thing only.
import { createHmac, createPrivateKey, createPublicKey, sign as edSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLOCK_SKEW_SECONDS,
  joseAccessTokens,
  type JoseAccessTokenService,
} from '../../../src/adapters/security/jose-access-tokens.js';
import { generateEd25519Jwk } from '../../../src/adapters/security/jwt-keys.js';
import { UnauthenticatedError } from '../../../src/domain/shared/errors.js';

const issuer = 'teamflow';
const audience = 'teamflow';
const START = new Date('2026-12-05T08:00:00Z');
const NOW = START.getTime() / 1000;

/** A clock that stands still until the test moves it. */
function handClock(start: Date = START) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(seconds: number) {
      current += seconds * 1000;
    },
  };
}

type Signer = (signingInput: string) => Buffer;
type Header = Record<string, unknown>;
type Claims = Record<string, unknown>;

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

const ed25519 =
  (jwk: JWK): Signer =>
  (input) =>
    edSign(
      null,
      Buffer.from(input),
      createPrivateKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, d: jwk.d! },
        format: 'jwk',
      }),
    );

const hmac =
  (secret: string | Buffer): Signer =>
  (input) =>
    createHmac('sha256', secret).update(input).digest();

const unsigned: Signer = () => Buffer.alloc(0);

/** A compact JWS from a header and payload given as objects, or as raw JSON text. */
function compact(header: Header | string, payload: Claims | string, signer: Signer): string {
  const text = (part: object | string) => (typeof part === 'string' ? part : JSON.stringify(part));
  const input = `${base64url(text(header))}.${base64url(text(payload))}`;
  return `${input}.${base64url(signer(input))}`;
}

const publicOf = ({ d: _d, ...publicPart }: JWK): JWK => publicPart;

let current: JWK; // signs
let older: JWK; // rotated out, still verifies (private part kept in JWT_PRIVATE_KEY)
let retired: JWK; // rotated out, given as a public key only (JWT_PREVIOUS_PUBLIC_KEYS)
let stranger: JWK; // in no key set
let service: JoseAccessTokenService;
let jwksServer: Server;
let jwksUrl: string;
let jwksRequests = 0;

beforeAll(async () => {
  [current, older, retired, stranger] = (await Promise.all(
    [1, 2, 3, 4].map(() => generateEd25519Jwk()),
  )) as [JWK, JWK, JWK, JWK];
  service = await joseAccessTokens({
    privateJwk: current,
    previousJwks: [older, publicOf(retired)],
    issuer,
    audience,
    clock: handClock(),
  });
  // A key server a token may point at (jku, x5u): it serves the stranger's key, and it must
  // never be asked.
  jwksServer = createServer((_request, response) => {
    jwksRequests += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [publicOf(stranger)] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
});

afterAll(async () => {
  await new Promise((resolve) => jwksServer.close(resolve));
});

const header = (changes: Header = {}): Header => ({
  alg: 'EdDSA',
  kid: current.kid,
  typ: 'JWT',
  ...changes,
});
const claims = (changes: Claims = {}): Claims => ({
  sub: 'user-1',
  sid: 'session-1',
  iss: issuer,
  aud: audience,
  iat: NOW,
  exp: NOW + 900,
  ...changes,
});
/** Drops the named fields: `without(header(), 'kid')`. */
const without = (object: Record<string, unknown>, ...names: string[]) =>
  Object.fromEntries(Object.entries(object).filter(([name]) => !names.includes(name)));

const real = () => ed25519(current);

async function expectRefused(token: string) {
  // Twice: a refused token is never remembered, so the second answer is a fresh refusal too.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const failure = service.verify(token);
    await expect(failure).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(failure).rejects.toThrow('Invalid or expired access token');
  }
}

describe('the forge', () => {
  it('makes tokens the service accepts when nothing in them is hostile', async () => {
    const token = compact(header(), claims(), real());
    await expect(service.verify(token)).resolves.toEqual({
      userId: 'user-1',
      sessionId: 'session-1',
      expiresAt: new Date((NOW + 900) * 1000),
    });
  });
});

const corpus: Array<[string, () => string]> = [
  // kid: present, and naming a key of the set, which is the key the signature is checked with.
  [
    'kid: absent, signed with the signing key',
    () => compact(without(header(), 'kid'), claims(), real()),
  ],
  [
    'kid: naming no key, signed with the signing key',
    () => compact(header({ kid: 'no-such-key' }), claims(), real()),
  ],
  ['kid: empty, signed with the signing key', () => compact(header({ kid: '' }), claims(), real())],
  ['kid: a number', () => compact(header({ kid: 7 }), claims(), real())],
  ['kid: null', () => compact(header({ kid: null }), claims(), real())],
  [
    'kid: an array holding the real kid',
    () => compact(header({ kid: [current.kid] }), claims(), real()),
  ],
  [
    'kid: the real kid with a trailing space',
    () => compact(header({ kid: `${current.kid} ` }), claims(), real()),
  ],
  ['kid: "__proto__"', () => compact(header({ kid: '__proto__' }), claims(), real())],
  ['kid: "constructor"', () => compact(header({ kid: 'constructor' }), claims(), real())],
  [
    'kid: the older key, signed with the signing key',
    () => compact(header({ kid: older.kid }), claims(), real()),
  ],
  [
    'kid: the signing key, signed with an unknown key',
    () => compact(header(), claims(), ed25519(stranger)),
  ],
  [
    'kid: an unknown key, signed with it',
    () => compact(header({ kid: stranger.kid }), claims(), ed25519(stranger)),
  ],
  // alg: EdDSA only.
  ['alg: none, no signature', () => compact(header({ alg: 'none' }), claims(), unsigned)],
  ['alg: none, without kid', () => compact({ alg: 'none' }, claims(), unsigned)],
  [
    'alg: none with a valid EdDSA signature',
    () => compact(header({ alg: 'none' }), claims(), real()),
  ],
  ['alg: NONE', () => compact(header({ alg: 'NONE' }), claims(), unsigned)],
  ['alg: absent', () => compact(without(header(), 'alg'), claims(), real())],
  [
    'alg: HS256 keyed with the public key bytes',
    () => compact(header({ alg: 'HS256' }), claims(), hmac(Buffer.from(current.x!, 'base64url'))),
  ],
  [
    'alg: HS256 keyed with the public key as text',
    () => compact(header({ alg: 'HS256' }), claims(), hmac(current.x!)),
  ],
  [
    'alg: HS256 keyed with the public JWK (JSON)',
    () => compact(header({ alg: 'HS256' }), claims(), hmac(JSON.stringify(service.jwks().keys[0]))),
  ],
  [
    'alg: HS256 keyed with the public key (PEM)',
    () => {
      const pem = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: current.x! },
        format: 'jwk',
      })
        .export({ type: 'spki', format: 'pem' })
        .toString();
      return compact(header({ alg: 'HS256' }), claims(), hmac(pem));
    },
  ],
  [
    'alg: Ed25519 (the fully specified name), signed with the signing key',
    () => compact(header({ alg: 'Ed25519' }), claims(), real()),
  ],
  ['alg: eddsa (lower case)', () => compact(header({ alg: 'eddsa' }), claims(), real())],
  ['alg: ES256', () => compact(header({ alg: 'ES256' }), claims(), real())],
  ['alg: an array', () => compact(header({ alg: ['EdDSA'] }), claims(), real())],
  // typ: JWT or at+jwt when present.
  ['typ: JOSE', () => compact(header({ typ: 'JOSE' }), claims(), real())],
  ['typ: application/json', () => compact(header({ typ: 'application/json' }), claims(), real())],
  ['typ: secevent+jwt', () => compact(header({ typ: 'secevent+jwt' }), claims(), real())],
  ['typ: dpop+jwt', () => compact(header({ typ: 'dpop+jwt' }), claims(), real())],
  ['typ: empty', () => compact(header({ typ: '' }), claims(), real())],
  ['typ: a number', () => compact(header({ typ: 1 }), claims(), real())],
  ['typ: null', () => compact(header({ typ: null }), claims(), real())],
  // crit: we understand no extension.
  [
    'crit: ["exp"] with an exp header',
    () => compact(header({ crit: ['exp'], exp: NOW + 900 }), claims(), real()),
  ],
  ['crit: empty', () => compact(header({ crit: [] }), claims(), real())],
  [
    'crit: ["b64"] with b64 false',
    () => compact(header({ crit: ['b64'], b64: false }), claims(), real()),
  ],
  ['crit: a string', () => compact(header({ crit: 'anything' }), claims(), real())],
  // Keys and certificates named by the token itself: never fetched, never trusted.
  [
    'jwk: an unknown key, signed with it, under its kid',
    () =>
      compact(header({ kid: stranger.kid, jwk: publicOf(stranger) }), claims(), ed25519(stranger)),
  ],
  [
    'jwk: an unknown key, signed with it, no kid',
    () => compact(without(header({ jwk: publicOf(stranger) }), 'kid'), claims(), ed25519(stranger)),
  ],
  [
    'jwk: the signing key itself, signed with it',
    () => compact(header({ jwk: service.jwks().keys[0] }), claims(), real()),
  ],
  [
    'jku: a key server, signed with the key it serves',
    () => compact(header({ kid: stranger.kid, jku: jwksUrl }), claims(), ed25519(stranger)),
  ],
  [
    'jku: a key server, signed with the signing key',
    () => compact(header({ jku: jwksUrl }), claims(), real()),
  ],
  ['x5u: a certificate URL', () => compact(header({ x5u: jwksUrl }), claims(), real())],
  [
    'x5c: a certificate chain',
    () => compact(header({ x5c: [base64url('not really a certificate')] }), claims(), real()),
  ],
  [
    'x5t: a certificate thumbprint',
    () => compact(header({ x5t: base64url('thumbprint') }), claims(), real()),
  ],
  [
    'x5t#S256: a certificate thumbprint',
    () => compact(header({ 'x5t#S256': base64url('thumbprint') }), claims(), real()),
  ],
  // Any other header parameter.
  ['cty: JWT (a nested token)', () => compact(header({ cty: 'JWT' }), claims(), real())],
  ['b64: true', () => compact(header({ b64: true }), claims(), real())],
  ['zip: DEF', () => compact(header({ zip: 'DEF' }), claims(), real())],
  ['an unknown header parameter', () => compact(header({ foo: 'bar' }), claims(), real())],
  [
    'a header parameter named __proto__',
    () =>
      compact(
        `{"alg":"EdDSA","kid":"${current.kid}","typ":"JWT","__proto__":{"jku":"${jwksUrl}"}}`,
        claims(),
        real(),
      ),
  ],
  ['a header that is not an object', () => compact('"EdDSA"', claims(), real())],
  // iat: required, and not ahead of the clock by more than the skew.
  ['iat: an hour in the future', () => compact(header(), claims({ iat: NOW + 3600 }), real())],
  [
    'iat: one second beyond the skew',
    () => compact(header(), claims({ iat: NOW + CLOCK_SKEW_SECONDS + 1 }), real()),
  ],
  ['iat: absent', () => compact(header(), without(claims(), 'iat'), real())],
  ['iat: a string', () => compact(header(), claims({ iat: String(NOW) }), real())],
  // nbf: honoured with the same skew.
  [
    'nbf: one second beyond the skew',
    () => compact(header(), claims({ nbf: NOW + CLOCK_SKEW_SECONDS + 1 }), real()),
  ],
  ['nbf: an hour in the future', () => compact(header(), claims({ nbf: NOW + 3600 }), real())],
  ['nbf: a string', () => compact(header(), claims({ nbf: 'now' }), real())],
  // exp: required, and no skew.
  ['exp: absent', () => compact(header(), without(claims(), 'exp'), real())],
  ['exp: now', () => compact(header(), claims({ exp: NOW }), real())],
  ['exp: a second ago', () => compact(header(), claims({ exp: NOW - 1 }), real())],
  ['exp: a string', () => compact(header(), claims({ exp: String(NOW + 900) }), real())],
  // sub, sid, iss, aud: required and pinned.
  ['sub: absent', () => compact(header(), without(claims(), 'sub'), real())],
  ['sub: empty', () => compact(header(), claims({ sub: '' }), real())],
  ['sub: a number', () => compact(header(), claims({ sub: 1 }), real())],
  ['sid: absent', () => compact(header(), without(claims(), 'sid'), real())],
  ['sid: empty', () => compact(header(), claims({ sid: '' }), real())],
  ['sid: an object', () => compact(header(), claims({ sid: { id: 's' } }), real())],
  ['iss: another issuer', () => compact(header(), claims({ iss: 'someone-else' }), real())],
  ['iss: absent', () => compact(header(), without(claims(), 'iss'), real())],
  ['aud: another audience', () => compact(header(), claims({ aud: 'someone-else' }), real())],
  ['aud: absent', () => compact(header(), without(claims(), 'aud'), real())],
  ['payload: not an object', () => compact(header(), '["user-1"]', real())],
  ['payload: not JSON', () => compact(header(), 'user-1', real())],
  // Shape.
  [
    'a signature over another payload',
    () => {
      const [h, p] = compact(header(), claims({ sub: 'admin' }), real()).split('.');
      const [, , s] = compact(header(), claims(), real()).split('.');
      return `${h}.${p}.${s}`;
    },
  ],
  ['a truncated signature', () => compact(header(), claims(), real()).slice(0, -4)],
  ['two parts', () => compact(header(), claims(), real()).split('.').slice(0, 2).join('.')],
  ['five parts (a JWE shape)', () => `${compact(header(), claims(), real())}.x.y`],
  [
    'the JSON serialization',
    () => {
      const [protectedPart, payload, signature] = compact(header(), claims(), real()).split('.');
      return JSON.stringify({ protected: protectedPart, payload, signature });
    },
  ],
  ['empty', () => ''],
  ['garbage', () => 'not.a.jwt'],
];

describe('the corpus of hostile tokens', () => {
  it.each(corpus)('refuses %s', async (_name, forge) => {
    await expectRefused(forge());
  });

  it('never asked the key server a token pointed at', () => {
    expect(jwksRequests).toBe(0);
  });
});

describe('tokens at the edges that are accepted', () => {
  const accepted: Array<[string, () => string]> = [
    ['typ: jwt (case-insensitive)', () => compact(header({ typ: 'jwt' }), claims(), real())],
    ['typ: at+jwt', () => compact(header({ typ: 'at+jwt' }), claims(), real())],
    [
      'typ: application/at+jwt',
      () => compact(header({ typ: 'application/at+jwt' }), claims(), real()),
    ],
    ['typ: absent', () => compact(without(header(), 'typ'), claims(), real())],
    [
      'iat: exactly the skew ahead',
      () => compact(header(), claims({ iat: NOW + CLOCK_SKEW_SECONDS }), real()),
    ],
    [
      'nbf: exactly the skew ahead',
      () => compact(header(), claims({ nbf: NOW + CLOCK_SKEW_SECONDS }), real()),
    ],
    ['nbf: in the past', () => compact(header(), claims({ nbf: NOW - 60 }), real())],
    ['exp: one second ahead', () => compact(header(), claims({ exp: NOW + 1 }), real())],
    [
      'kid: the older key, signed with it',
      () => compact(header({ kid: older.kid }), claims(), ed25519(older)),
    ],
    [
      'kid: the retired public-only key, signed with it',
      () => compact(header({ kid: retired.kid }), claims(), ed25519(retired)),
    ],
  ];

  it.each(accepted)('accepts %s', async (_name, forge) => {
    await expect(service.verify(forge())).resolves.toMatchObject({ userId: 'user-1' });
  });
});

describe('time, read from the injected clock', () => {
  it('refuses a token issued an hour ahead until the clock gets there', async () => {
    const clock = handClock();
    const tokens = await joseAccessTokens({ privateJwk: current, issuer, audience, clock });
    const token = compact(header(), claims({ iat: NOW + 3600, exp: NOW + 4500 }), real());
    await expect(tokens.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
    clock.advance(3600 - CLOCK_SKEW_SECONDS - 1);
    await expect(tokens.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
    clock.advance(1);
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('refuses a token before its nbf (less the skew), then accepts it', async () => {
    const clock = handClock();
    const tokens = await joseAccessTokens({ privateJwk: current, issuer, audience, clock });
    const token = compact(header(), claims({ nbf: NOW + 120 }), real());
    await expect(tokens.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
    clock.advance(120 - CLOCK_SKEW_SECONDS);
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('answers from its memo only inside the window a fresh verification accepts', async () => {
    const clock = handClock();
    const tokens = await joseAccessTokens({ privateJwk: current, issuer, audience, clock });
    const token = compact(header(), claims({ nbf: NOW + CLOCK_SKEW_SECONDS }), real());
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'user-1' });
    clock.advance(-1); // a clock stepped back: the remembered token is not valid yet again
    await expect(tokens.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
    clock.advance(1);
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'user-1' });
    clock.advance(900);
    await expect(tokens.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe('the key set', () => {
  it('publishes every key, the signing key first, without private parts', () => {
    const { keys } = service.jwks();
    expect(keys.map((key) => key.kid)).toEqual([current.kid, older.kid, retired.kid]);
    for (const [key, jwk] of [
      [keys[0], current],
      [keys[1], older],
      [keys[2], retired],
    ] as const) {
      expect(key).toEqual({
        kty: 'OKP',
        crv: 'Ed25519',
        x: jwk.x,
        kid: jwk.kid,
        alg: 'EdDSA',
        use: 'sig',
      });
    }
  });

  it('signs with the first key only', async () => {
    const token = await service.issue({ userId: 'u', sessionId: 's' });
    const [protectedPart] = token.split('.');
    expect(JSON.parse(Buffer.from(protectedPart!, 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      kid: current.kid,
      typ: 'JWT',
    });
  });

  it('rotates in three steps, each instance accepting the tokens of the others', async () => {
    const clock = handClock();
    const instance = (signing: JWK, previous: JWK[] = []) =>
      joseAccessTokens({ privateJwk: signing, previousJwks: previous, issuer, audience, clock });
    const subject = { userId: 'u', sessionId: 's' };
    // Before: the old key signs. Step 1: the new key is added, verify-only, everywhere.
    const before = await instance(older);
    const step1 = await instance(older, [current]);
    // Step 2: the new key signs, the old one still verifies.
    const step2 = await instance(current, [older]);
    const signedOld = await before.issue(subject);
    const signedNew = await step2.issue(subject);
    await expect(step1.verify(signedNew)).resolves.toMatchObject(subject);
    await expect(step2.verify(signedOld)).resolves.toMatchObject(subject);
    await expect(step2.verify(await step1.issue(subject))).resolves.toMatchObject(subject);
    // Step 3, once every token the old key signed has expired (15 minutes): it is removed.
    const step3 = await instance(current);
    await expect(step3.verify(signedNew)).resolves.toMatchObject(subject);
    await expect(step3.verify(signedOld)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('lists a key given twice once', async () => {
    const twice = await joseAccessTokens({
      privateJwk: current,
      previousJwks: [publicOf(current), older, publicOf(older)],
      issuer,
      audience,
      clock: handClock(),
    });
    expect(twice.jwks().keys.map((key) => key.kid)).toEqual([current.kid, older.kid]);
  });

  it('refuses to start with one kid naming two different keys, or a key that is not Ed25519', async () => {
    const clash = { ...publicOf(older), kid: current.kid! };
    await expect(
      joseAccessTokens({
        privateJwk: current,
        previousJwks: [clash],
        issuer,
        audience,
        clock: handClock(),
      }),
    ).rejects.toThrow(/share kid/);
    await expect(
      joseAccessTokens({
        privateJwk: current,
        previousJwks: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }],
        issuer,
        audience,
        clock: handClock(),
      }),
    ).rejects.toThrow(/Ed25519/);
  });
});
