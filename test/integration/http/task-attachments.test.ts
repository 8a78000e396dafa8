// Attachments through HTTP, on a real listening server with the filesystem blob store under the
// test's DATA_DIR: upload (streamed multipart) to a task and to a comment, list, read, download
// (the sniffed type whatever the name, nosniff, attachment disposition, SHA-256 ETag), remove;
// names sanitised; 413 past ATTACHMENT_MAX_BYTES with no blob left; the organization's quota
// under concurrent uploads; a quarantined file listed but never served; permissions; history
// and events; and the purge of a long-deleted task taking its blobs with it.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteDueBlobs, purgeDeletedTasks } from '../../../src/application/attachments/purge.js';
import type { AttachmentScanner } from '../../../src/application/attachments/ports.js';
import { storageKeyOf } from '../../../src/domain/attachments/attachment.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { httpBuilders, type ProjectFixture } from '../../support/builders/http.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';

const MAX_BYTES = 4096;
const QUOTA_BYTES = 10_000;

/** A PNG's signature and header: file-type knows it by these bytes alone. */
const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
  Buffer.alloc(64, 1),
]);

/** Quarantines every file whose name ends in `.quarantine-me`. */
const namedScanner: AttachmentScanner = {
  scan: (file) =>
    Promise.resolve(file.fileName.endsWith('.quarantine-me') ? 'quarantined' : 'clean'),
};

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let viewer: SignedInUser;
let org: TestOrganization;
let project: ProjectFixture;

interface TaskBody {
  readonly id: string;
  readonly key: string;
}

beforeAll(async () => {
  t = await startTestApp(
    {
      ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
      ATTACHMENT_ORG_QUOTA_BYTES: String(QUOTA_BYTES),
    },
    { attachmentScanner: namedScanner },
  );
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  project = await kit.aProject();
});
afterAll(async () => {
  await t.close();
});

const kit = httpBuilders<TaskBody>(() => ({ api, owner, org }));
const aTask = () => kit.aTask(project);
const as = (user: SignedInUser) => ({ token: user.accessToken });
const taskPath = (task: TaskBody, orgId = org.id) =>
  `/api/v1/organizations/${orgId}/tasks/${task.id}`;
const attachmentsPath = (task: TaskBody, orgId = org.id) => `${taskPath(task, orgId)}/attachments`;

function formWith(bytes: Buffer, fileName: string, type = 'text/html'): FormData {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), fileName);
  return form;
}

const upload = (
  task: TaskBody,
  bytes: Buffer,
  fileName: string,
  by: SignedInUser = owner,
  where = attachmentsPath(task),
) => api.post(where, undefined, { ...as(by), form: formWith(bytes, fileName) });

function expectError(reply: Reply, status: number, code: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ success: false, error: { code } });
}

const blobs = () => t.app.deps.attachments.blobs;
const blobFiles = async () =>
  (await readdir(path.join(t.app.config.DATA_DIR, 'blobs'), { recursive: true })).filter((f) =>
    /[0-9a-f-]{36}$/.test(f),
  );

async function auditActions(taskId: string): Promise<string[]> {
  const entries = await t.app.deps.uow.run((tx) => tx.audit.list(org.id, {}, { limit: 200 }), {
    organizationId: org.id,
  });
  return entries.filter((e) => e.targetId === taskId).map((e) => e.action);
}

describe('uploading and downloading', () => {
  it('serves a PNG named .html as image/png, an attachment, nosniff, its SHA-256 as ETag', async () => {
    const task = await aTask();
    const created = await upload(task, PNG, 'evil.html');
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sha256 = createHash('sha256').update(PNG).digest('hex');
    expect(created.body.data).toMatchObject({
      task_id: task.id,
      comment_id: null,
      file_name: 'evil.html',
      content_type: 'image/png',
      size_bytes: PNG.length,
      sha256,
      status: 'clean',
      uploaded_by: owner.id,
    });
    expect(created.headers.get('location')).toBe(
      `${attachmentsPath(task)}/${created.body.data.id}`,
    );

    const download = await api.get(`${attachmentsPath(task)}/${created.body.data.id}/content`, {
      ...as(viewer),
      binary: true,
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="evil.html"; filename*=UTF-8''evil.html`,
    );
    expect(download.headers.get('etag')).toBe(`"${sha256}"`);
    expect(download.headers.get('content-length')).toBe(String(PNG.length));
    expect(Buffer.compare(download.body as Buffer, PNG)).toBe(0);
  });

  it('falls back to application/octet-stream for bytes with no signature', async () => {
    const task = await aTask();
    const created = await upload(task, Buffer.from('<html><script>x</script></html>'), 'a.png');
    expect(created.body.data.content_type).toBe('application/octet-stream');
  });

  it('sanitises names: no path, no control characters, a UTF-8 filename* on download', async () => {
    const task = await aTask();
    const boundary = 'tfboundary';
    const raw = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
          `filename="..\\\\..\\\\r\u00e9sum\u00e9\u202e\tv1*.txt"\r\n` +
          `Content-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`,
        'utf8',
      ),
    ]);
    const created = await api.post(attachmentsPath(task), undefined, {
      ...as(owner),
      raw,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const name = created.body.data.file_name as string;
    expect([...name].some((c) => c.charCodeAt(0) < 0x20 || '\\/\u202e*'.includes(c))).toBe(false);
    expect(name).toBe('résumé v1_.txt');
    const download = await api.get(`${attachmentsPath(task)}/${created.body.data.id}/content`, {
      ...as(owner),
      binary: true,
    });
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_ v1_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20v1_.txt`,
    );
  });

  it('lists a task’s files and a comment’s, reads one, and records history and events', async () => {
    const task = await aTask();
    const comment = await api.post(`${taskPath(task)}/comments`, { body: 'See file' }, as(owner));
    expect(comment.status).toBe(201);
    const commentPath = `${taskPath(task)}/comments/${comment.body.data.id}/attachments`;
    const first = await upload(task, PNG, 'one.png');
    const second = await upload(task, Buffer.from('notes'), 'two.txt', owner, commentPath);
    expect(second.status).toBe(201);
    expect(second.body.data.comment_id).toBe(comment.body.data.id);

    const page1 = await api.get(`${attachmentsPath(task)}?limit=1`, as(viewer));
    expect(page1.body.data.map((a: { id: string }) => a.id)).toEqual([first.body.data.id]);
    expect(page1.body.meta.pagination.has_more).toBe(true);
    const cursor = encodeURIComponent(page1.body.meta.pagination.next_cursor as string);
    const page2 = await api.get(`${attachmentsPath(task)}?limit=1&cursor=${cursor}`, as(viewer));
    expect(page2.body.data.map((a: { id: string }) => a.id)).toEqual([second.body.data.id]);
    const ofComment = await api.get(commentPath, as(viewer));
    expect(ofComment.body.data.map((a: { id: string }) => a.id)).toEqual([second.body.data.id]);
    const one = await api.get(`${attachmentsPath(task)}/${first.body.data.id}`, as(viewer));
    expect(one.body.data).toEqual(first.body.data);

    const history = await api.get(`${taskPath(task)}/history`, as(owner));
    const actions = (history.body.data as { action: string }[]).map((h) => h.action);
    expect(actions.filter((a) => a === 'attachment_added')).toHaveLength(2);
    expect(await auditActions(task.id)).toEqual(
      expect.arrayContaining(['attachment.added', 'attachment.added']),
    );
  });
});

describe('limits', () => {
  it('answers 413 one byte past ATTACHMENT_MAX_BYTES and keeps no blob and no row', async () => {
    const task = await aTask();
    const before = await blobFiles();
    const refused = await upload(task, Buffer.alloc(MAX_BYTES + 1, 7), 'big.bin');
    expectError(refused, 413, 'PAYLOAD_TOO_LARGE');
    await t.app.deps.background.idle();
    expect(await blobFiles()).toEqual(before);
    const list = await api.get(attachmentsPath(task), as(owner));
    expect(list.body.data).toEqual([]);
    const exactly = await upload(task, Buffer.alloc(MAX_BYTES, 7), 'fits.bin');
    expect(exactly.status).toBe(201);
  });

  it('answers 413 before reading a body whose Content-Length is already too large', async () => {
    const task = await aTask();
    const refused = await upload(task, Buffer.alloc(4 * 1024 * 1024, 7), 'huge.bin');
    expectError(refused, 413, 'PAYLOAD_TOO_LARGE');
    const list = await api.get(attachmentsPath(task), as(owner));
    expect(list.body.data).toEqual([]);
  });

  it('never lets concurrent uploads pass the organization’s quota', async () => {
    const ownerQ = await signIn(t, api);
    const orgQ = await createOrganization(api, ownerQ);
    const projectQ = await kit.aProject(ownerQ, orgQ.id);
    const task = await kit.aTask(projectQ, {}, ownerQ, orgQ.id);
    const size = 3000; // three fit in 10,000 bytes, a fourth does not
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        upload(task, Buffer.alloc(size, i), `f${i}.bin`, ownerQ, attachmentsPath(task, orgQ.id)),
      ),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 413, 413, 413]);
    for (const reply of replies.filter((r) => r.status === 413)) {
      expect(reply.body.error.code).toBe('QUOTA_EXCEEDED');
    }
    await t.app.deps.background.idle();
    const usage = await t.app.deps.uow.run((tx) => tx.attachments.usage(orgQ.id), {
      organizationId: orgQ.id,
    });
    expect(usage).toBe(3 * size);
    // The refused uploads' blobs are gone.
    const stored = (await blobFiles()).filter((f) => f.includes(`${orgQ.id}/`));
    expect(stored).toHaveLength(3);
  });
});

describe('refusals and removal', () => {
  it('refuses a viewer’s upload and removal (403), and a body that is not multipart (400)', async () => {
    const task = await aTask();
    expectError(await upload(task, PNG, 'x.png', viewer), 403, 'FORBIDDEN');
    const created = await upload(task, PNG, 'x.png');
    expectError(
      await api.delete(`${attachmentsPath(task)}/${created.body.data.id}`, as(viewer)),
      403,
      'FORBIDDEN',
    );
    expectError(
      await api.post(attachmentsPath(task), { file: 'x' }, as(owner)),
      400,
      'BAD_REQUEST',
    );
  });

  it('refuses another field (422 naming it) and a form without the file (422 file)', async () => {
    const task = await aTask();
    const extra = formWith(PNG, 'x.png');
    extra.append('note', 'hello');
    const refused = await api.post(attachmentsPath(task), undefined, { ...as(owner), form: extra });
    expectError(refused, 422, 'VALIDATION_ERROR');
    expect(refused.body.error.details).toEqual([{ field: 'note', message: 'Unknown field' }]);
    const wrongName = new FormData();
    wrongName.append('document', new Blob([PNG]), 'x.png');
    const misnamed = await api.post(attachmentsPath(task), undefined, {
      ...as(owner),
      form: wrongName,
    });
    expectError(misnamed, 422, 'VALIDATION_ERROR');
    expect(misnamed.body.error.details[0].field).toBe('document');
    const two = formWith(PNG, 'a.png');
    two.append('file', new Blob([PNG]), 'b.png');
    const twice = await api.post(attachmentsPath(task), undefined, { ...as(owner), form: two });
    expectError(twice, 422, 'VALIDATION_ERROR');
    expect(twice.body.error.details).toEqual([{ field: 'file', message: 'One file per upload' }]);
    const empty = new FormData();
    const none = await api.post(attachmentsPath(task), undefined, { ...as(owner), form: empty });
    expectError(none, 422, 'VALIDATION_ERROR');
    await t.app.deps.background.idle();
    expect((await api.get(attachmentsPath(task), as(owner))).body.data).toEqual([]);
  });

  it('removes a file: 204, its blob deleted, history and event recorded, then 404', async () => {
    const task = await aTask();
    const created = await upload(task, PNG, 'gone.png');
    const key = storageKeyOf(org.id, created.body.data.id as string);
    expect(await blobs().exists(key)).toBe(true);
    const removed = await api.delete(`${attachmentsPath(task)}/${created.body.data.id}`, as(owner));
    expect(removed.status).toBe(204);
    await t.app.deps.background.idle();
    expect(await blobs().exists(key)).toBe(false);
    expectError(
      await api.get(`${attachmentsPath(task)}/${created.body.data.id}`, as(owner)),
      404,
      'NOT_FOUND',
    );
    const history = await api.get(`${taskPath(task)}/history`, as(owner));
    expect(history.body.data[0]).toMatchObject({
      action: 'attachment_removed',
      changes: { attachment_id: created.body.data.id, file_name: 'gone.png' },
    });
    expect(await auditActions(task.id)).toContain('attachment.removed');
  });

  it('lists a quarantined file but never serves its bytes (409)', async () => {
    const task = await aTask();
    const created = await upload(task, PNG, 'payload.quarantine-me');
    expect(created.status).toBe(201);
    expect(created.body.data.status).toBe('quarantined');
    expectError(
      await api.get(`${attachmentsPath(task)}/${created.body.data.id}/content`, as(owner)),
      409,
      'CONFLICT',
    );
  });
});

describe('purging deleted tasks', () => {
  it('keeps a soft-deleted task’s files, and deletes their blobs when the task is purged', async () => {
    const task = await aTask();
    const created = await upload(task, PNG, 'kept.png');
    const key = storageKeyOf(org.id, created.body.data.id as string);
    expect((await api.delete(taskPath(task), as(owner))).status).toBe(204);
    const deps = { maintenance: t.app.deps.repos.attachments, attachments: t.app.deps.attachments };
    const now = { now: () => new Date() };
    expect(await purgeDeletedTasks({ ...deps, clock: now }, 30)).toBe(0);
    await deleteDueBlobs({ ...deps, clock: now });
    expect(await blobs().exists(key)).toBe(true);

    const later = { now: () => new Date(Date.now() + 31 * 86_400_000) };
    expect(await purgeDeletedTasks({ ...deps, clock: later }, 30)).toBeGreaterThanOrEqual(1);
    expect(await blobs().exists(key)).toBe(true); // listed for deletion, not yet deleted
    expect(await deleteDueBlobs({ ...deps, clock: later })).toBeGreaterThanOrEqual(1);
    expect(await blobs().exists(key)).toBe(false);
    const left = await t.app.deps.uow.run(
      (tx) => tx.attachments.find(org.id, task.id, created.body.data.id as string),
      { organizationId: org.id },
    );
    expect(left).toBeUndefined();
  });
});
