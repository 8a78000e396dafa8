// Attachments while their S3 storage is down, with the real S3-compatible server stopped (s3rver
// on a loopback port of its own, started again on the same port and folder): an upload answers
// 503 with Retry-After and leaves no attachment; a download answers 503; once the server is back,
// the file stored before downloads whole and uploads work again. Nothing half-made is listed.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import {
  createOrganization,
  httpBuilders,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../support/builders/http.js';
import { client, type Client } from '../support/client.js';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverClass;

const BUCKET = 'teamflow-faults';
let directory: string;
let port: number;
let server: S3rverInstance | undefined;
let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
const kit = httpBuilders<{ id: string }>(() => ({ api, owner, org }));

async function startS3(onPort: number): Promise<number> {
  server = new S3rver({
    address: '127.0.0.1',
    port: onPort,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  return (await server.run()).port;
}

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'teamflow-s3-faults-'));
  port = await startS3(0);
  t = await startTestApp({
    S3_BUCKET: BUCKET,
    S3_REGION: 'us-east-1',
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await t?.close();
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

function formWith(text: string, fileName: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(text)], { type: 'text/plain' }), fileName);
  return form;
}

it('answers 503 while S3 is down, keeps nothing half-made, and serves everything once it is back', async () => {
  const project = await kit.aProject();
  const task = await kit.aTask(project);
  const attachments = `/api/v1/organizations/${org.id}/tasks/${task.id}/attachments`;
  const as = { token: owner.accessToken };
  const before = await api.post(attachments, undefined, {
    ...as,
    form: formWith('stored before', 'before.txt'),
  });
  expect(before.status, JSON.stringify(before.body)).toBe(201);
  const contentOf = (id: string) =>
    fetch(`${t.baseUrl}${attachments}/${id}/content`, {
      headers: { authorization: `Bearer ${owner.accessToken}` },
    });

  await server!.close();
  server = undefined;
  const refused = await api.post(attachments, undefined, {
    ...as,
    form: formWith('not now', 'during.txt'),
  });
  expect(refused.status, JSON.stringify(refused.body)).toBe(503);
  expect(refused.body.error.code).toBe('SERVICE_UNAVAILABLE');
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  const unreadable = await contentOf(before.body.data.id);
  expect(unreadable.status).toBe(503);
  const listed = await api.get(attachments, as);
  expect(listed.body.data.map((a: { file_name: string }) => a.file_name)).toEqual(['before.txt']);

  await startS3(port);
  const download = await contentOf(before.body.data.id);
  expect(download.status).toBe(200);
  expect(await download.text()).toBe('stored before');
  const after = await api.post(attachments, undefined, {
    ...as,
    form: formWith('stored after', 'after.txt'),
  });
  expect(after.status, JSON.stringify(after.body)).toBe(201);
  const again = await api.get(attachments, as);
  expect(again.body.data.map((a: { file_name: string }) => a.file_name).sort()).toEqual([
    'after.txt',
    'before.txt',
  ]);
});
