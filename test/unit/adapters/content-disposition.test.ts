// Content-Disposition of downloads (RFC 6266): an ASCII fallback and the UTF-8 name (RFC 8187).
import { describe, expect, it } from 'vitest';
import { contentDisposition } from '../../../src/adapters/http/tasks/attachments-routes.js';

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187)', () => {
    expect(contentDisposition('naïve résumé (1).pdf')).toBe(
      `attachment; filename="na_ve r_sum_ (1).pdf"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9%20%281%29.pdf`,
    );
    expect(contentDisposition('50%.txt')).toBe(
      `attachment; filename="50_.txt"; filename*=UTF-8''50%25.txt`,
    );
  });
});
