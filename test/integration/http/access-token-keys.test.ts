// Access-token keys through HTTP: an app configured mid-rotation (JWT_PRIVATE_KEY with two keys,
// JWT_PREVIOUS_PUBLIC_KEYS with a third) publishes all three, accepts tokens of each, and answers
// a forged token with 401 in the envelope.
import { SignJWT, decodeJwt, importJWK, type JWK, type JWTHeaderParameters } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519Jwk } from '../../../src/adapters/security/jwt-keys.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';

let t: TestApp;
let api: Client;
let current: JWK;
let older: JWK;
let retired: JWK;
let user: SignedInUser;
let sessionId: string;

const publicOf = ({ d: _d, ...publicPart }: JWK): JWK => publicPart;

beforeAll(async () => {
  [current, older, retired] = (await Promise.all([1, 2, 3].map(() => generateEd25519Jwk()))) as [
    JWK,
    JWK,
    JWK,
  ];
  t = await startTestApp({
    JWT_PRIVATE_KEY: JSON.stringify([current, older]),
    JWT_PREVIOUS_PUBLIC_KEYS: JSON.stringify({ keys: [publicOf(retired)] }),
  });
  api = client(t.baseUrl);
  user = await signIn(t, api);
  sessionId = decodeJwt(user.accessToken).sid as string;
});
afterAll(async () => {
  await t.close();
});

/** A token for the signed-in user's own session, signed by `key`; `header` changes its header. */
async function forge(
  key: JWK,
  header: Record<string, unknown> = {},
  iatOffsetSeconds = 0,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000) + iatOffsetSeconds;
  const fields = Object.entries({ alg: 'EdDSA', kid: key.kid, typ: 'JWT', ...header });
  const protectedHeader = Object.fromEntries(fields.filter(([, value]) => value !== undefined));
  return (
    new SignJWT({ sid: sessionId })
      .setProtectedHeader(protectedHeader as JWTHeaderParameters)
      .setSubject(user.id)
      .setIssuer('teamflow')
      .setAudience('teamflow')
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      // jose refuses to sign a crit it does not know unless told: the forger tells it.
      .sign(await importJWK(key, 'EdDSA'), { crit: { exp: true } })
  );
}

describe('a key set mid-rotation', () => {
  it('publishes every key at /.well-known/jwks.json, the signing key first, public parts only', async () => {
    const jwks = await api.get('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.map((key: JWK) => key.kid)).toEqual([
      current.kid,
      older.kid,
      retired.kid,
    ]);
    for (const key of jwks.body.keys) expect(key).not.toHaveProperty('d');
  });

  it('signs with the first key of JWT_PRIVATE_KEY', () => {
    const [header] = user.accessToken.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString()).kid).toBe(current.kid);
  });

  it('accepts a token signed by each older key, under its own kid', async () => {
    for (const key of [older, retired]) {
      const reply = await api.get('/api/v1/users/me', { token: await forge(key) });
      expect(reply.status).toBe(200);
      expect(reply.body.data.id).toBe(user.id);
    }
  });

  it.each<[string, () => Promise<string>]>([
    ['whose kid names no key, signed with the signing key', () => forge(current, { kid: 'nope' })],
    ['without kid, signed with the signing key', () => forge(current, { kid: undefined })],
    ['issued an hour in the future', () => forge(current, {}, 3600)],
    ['carrying its own key (jwk)', () => forge(current, { jwk: publicOf(current) })],
    [
      'pointing at a key URL (jku)',
      () => forge(current, { jku: `${t.baseUrl}/.well-known/jwks.json` }),
    ],
    ['with crit', () => forge(current, { crit: ['exp'], exp: 1 })],
  ])('answers 401 UNAUTHENTICATED with WWW-Authenticate to a token %s', async (_name, make) => {
    const reply = await api.get('/api/v1/users/me', { token: await make() });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(reply.body).toMatchObject({
      success: false,
      error: { code: 'UNAUTHENTICATED' },
      meta: { request_id: expect.any(String) },
    });
  });
});
