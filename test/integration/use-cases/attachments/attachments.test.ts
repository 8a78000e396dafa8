// Attachment use cases over the real repositories and a memory blob store: the stored bytes and
// their row, the size limit refusing mid-stream with no blob and no row left, a failed write
// deleting its blob, the quota, a scanner's quarantine, removal listing the blob for deletion
// (and deleting it after the commit), and the crash-safe intent an upload leaves until its row
// commits.
import { describe, expect, it } from 'vitest';
import { deleteDueBlobs } from '../../../../src/application/attachments/purge.js';
import { openAttachment } from '../../../../src/application/attachments/read-attachments.js';
import { removeAttachment } from '../../../../src/application/attachments/remove-attachment.js';
import { uploadAttachment } from '../../../../src/application/attachments/upload-attachment.js';
import type { ByteStream } from '../../../../src/application/attachments/ports.js';
import { createComment } from '../../../../src/application/tasks/create-comment.js';
import { createTask } from '../../../../src/application/tasks/create-task.js';
import { deleteComment } from '../../../../src/application/tasks/delete-comment.js';
import { storageKeyOf } from '../../../../src/domain/attachments/attachment.js';
import {
  ConflictError,
  ForbiddenError,
  PayloadTooLargeError,
  QuotaExceededError,
} from '../../../../src/domain/shared/errors.js';
import { depsOfThisFile } from '../deps.js';
import { accessWithRole, aBoard, type Board } from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

async function* bytes(...sizes: number[]): ByteStream {
  for (const size of sizes) yield new Uint8Array(size).fill(65);
}

const aTask = (board: Board) =>
  createTask(deps, board.world.owner, board.project.id, { title: 'Ship it' });

const rows = (board: Board, taskId: string) =>
  deps.uow.run((tx) => tx.attachments.list(board.world.organizationId, taskId, { limit: 50 }), {
    organizationId: board.world.organizationId,
  });

const dueDeletions = () =>
  deps.repos.attachments.dueBlobDeletions(new Date('2999-01-01T00:00:00Z'), 1000);

describe('uploading', () => {
  it('stores the bytes first, then the row, and cancels the upload’s deletion intent', async () => {
    const board = await aBoard(deps);
    const task = await aTask(board);
    const attachment = await uploadAttachment(deps, board.world.owner, task.key, {
      fileName: 'notes.txt',
      content: bytes(10, 20),
    });
    expect(attachment).toMatchObject({ sizeBytes: 30, contentType: 'application/octet-stream' });
    expect(attachment.storageKey).toBe(storageKeyOf(board.world.organizationId, attachment.id));
    expect(await deps.attachments.blobs.exists(attachment.storageKey)).toBe(true);
    expect(await dueDeletions()).not.toContain(attachment.storageKey);
    const opened = await openAttachment(deps, board.world.owner, task.id, attachment.id);
    let length = 0;
    for await (const chunk of opened.content) length += chunk.byteLength;
    expect(length).toBe(30);
  });

  it('refuses past maxBytes mid-stream, leaving no row and no blob', async () => {
    const board = await aBoard(deps);
    const task = await aTask(board);
    const before = deps.attachments.blobs.keys().length;
    await expect(
      uploadAttachment(deps, board.world.owner, task.id, {
        fileName: 'big.bin',
        content: bytes(deps.attachments.maxBytes, 1),
      }),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    await deps.background.idle();
    expect(deps.attachments.blobs.keys()).toHaveLength(before);
    expect(await rows(board, task.id)).toEqual([]);
  });

  it('refuses what would pass the quota, and a viewer', async () => {
    const board = await aBoard(deps);
    const task = await aTask(board);
    const mib = 1024 * 1024;
    for (let i = 0; i < 4; i++) {
      await uploadAttachment(deps, board.world.owner, task.id, {
        fileName: `f${i}`,
        content: bytes(mib),
      });
    }
    await expect(
      uploadAttachment(deps, board.world.owner, task.id, { fileName: 'x', content: bytes(1) }),
    ).rejects.toBeInstanceOf(QuotaExceededError);
    const viewer = await accessWithRole(deps, board.world, 'viewer');
    await expect(
      uploadAttachment(deps, viewer, task.id, { fileName: 'x', content: bytes(1) }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('keeps a quarantined file’s row but never opens its bytes', async () => {
    const board = await aBoard(deps);
    const task = await aTask(board);
    const quarantining = {
      ...deps,
      attachments: {
        ...deps.attachments,
        scanner: { scan: () => Promise.resolve('quarantined' as const) },
      },
    };
    const attachment = await uploadAttachment(quarantining, board.world.owner, task.id, {
      fileName: 'eicar.com',
      content: bytes(68),
    });
    expect(attachment.status).toBe('quarantined');
    await expect(
      openAttachment(deps, board.world.owner, task.id, attachment.id),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('removing', () => {
  it('deletes the row and gives the bytes back in one transaction, then the blob', async () => {
    const board = await aBoard(deps);
    const task = await aTask(board);
    const attachment = await uploadAttachment(deps, board.world.owner, task.id, {
      fileName: 'a',
      content: bytes(5),
    });
    const usage = () =>
      deps.uow.run((tx) => tx.attachments.usage(board.world.organizationId), {
        organizationId: board.world.organizationId,
      });
    expect(await usage()).toBe(5);
    await removeAttachment(deps, board.world.owner, task.id, attachment.id);
    expect(await usage()).toBe(0);
    await deps.background.idle();
    expect(await deps.attachments.blobs.exists(attachment.storageKey)).toBe(false);
    expect(await dueDeletions()).not.toContain(attachment.storageKey);
  });

  it('lets the worker delete a blob whose deletion the process could not finish', async () => {
    const board = await aBoard(deps);
    const key = storageKeyOf(board.world.organizationId, deps.ids.next());
    await deps.attachments.blobs.put(key, bytes(3));
    await deps.uow.run(
      (tx) =>
        tx.attachments.scheduleBlobDeletion(board.world.organizationId, key, deps.clock.now()),
      { organizationId: board.world.organizationId },
    );
    const deleted = await deleteDueBlobs({
      maintenance: deps.repos.attachments,
      clock: deps.clock,
      attachments: deps.attachments,
    });
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await deps.attachments.blobs.exists(key)).toBe(false);
    expect(await dueDeletions()).not.toContain(key);
  });
});

describe('a comment’s files', () => {
  it('stay on the task when the comment is deleted (comment_id cleared)', async () => {
    const board = await aBoard(deps);
    const task = await aTask(board);
    const comment = await createComment(deps, board.world.owner, task.id, { body: 'Here' });
    const attachment = await uploadAttachment(deps, board.world.owner, task.id, {
      fileName: 'on-comment.txt',
      content: bytes(4),
      commentId: comment.id,
    });
    expect(attachment.commentId).toBe(comment.id);
    await deleteComment(deps, board.world.owner, task.id, comment.id);
    expect(await rows(board, task.id)).toEqual([{ ...attachment, commentId: null }]);
  });
});
