// The file-name rule and the storage key.
import { describe, expect, it } from 'vitest';
import {
  fileName,
  FILE_NAME_MAX_LENGTH,
  storageKeyOf,
} from '../../../../src/domain/attachments/attachment.js';

describe('fileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\x.doc', 'x.doc'],
    ['a\u0000b\u0007c.txt', 'abc.txt'],
    ['evil\u202egnp.exe', 'evilgnp.exe'],
    ['two\nlines\t.txt', 'two lines .txt'],
    ['  ..hidden.  ', 'hidden'],
    ['a"b<c>d|e?f*g:h', 'a_b_c_d_e_f_g_h'],
    ['', 'file'],
    [undefined, 'file'],
    ['/', 'file'],
    ['...', 'file'],
  ])('%j → %j', (raw, expected) => {
    expect(fileName(raw)).toBe(expected);
  });

  it('cuts a long name to the limit, keeping a short extension', () => {
    const name = fileName(`${'é'.repeat(300)}.tar.gz`);
    expect([...name]).toHaveLength(FILE_NAME_MAX_LENGTH);
    expect(name.endsWith('.gz')).toBe(true);
  });

  it('makes keys of ids only', () => {
    expect(storageKeyOf('o', 'a')).toBe('attachments/o/a');
  });
});
