// The one tenant-scope statement (src/adapters/postgres/wire/tenant-scope.ts): every path sets the
// scope row-level security reads with it, a scoped read with the same settings after making its
// transaction read-only. No database: these run the same in both modes.
import { describe, expect, it } from 'vitest';
import {
  hasScope,
  READ_SCOPE_SQL,
  scopeIds,
  TENANT_SCOPE_SQL,
} from '../../../src/adapters/postgres/wire/tenant-scope.js';

const org = '0193c7a0-0000-7000-8000-000000000001';
const user = '0193c7a0-0000-7000-8000-000000000002';

describe('the tenant scope statement', () => {
  it('sets both ids, as parameters, for the rest of the transaction only', () => {
    expect(TENANT_SCOPE_SQL).toBe(
      "select set_config('app.organization_id', $1, true), set_config('app.user_id', $2, true)",
    );
  });

  it('is the same settings on a scoped read, after making the transaction read-only', () => {
    expect(READ_SCOPE_SQL).toBe(
      TENANT_SCOPE_SQL.replace(
        'select ',
        "select set_config('transaction_read_only', 'on', true), ",
      ),
    );
  });

  it('takes its values in that order, empty for an id not given, and UUIDs only', () => {
    expect(scopeIds({ organizationId: org, userId: user })).toEqual([org, user]);
    expect(scopeIds({ organizationId: org })).toEqual([org, '']);
    expect(scopeIds({ userId: user })).toEqual(['', user]);
    expect(scopeIds(undefined)).toEqual(['', '']);
    expect(() => scopeIds({ organizationId: "x', true); drop table tasks; --" })).toThrow(
      /UUIDs only/,
    );
  });

  it('is set only when the scope names an organization or a user', () => {
    expect(hasScope(undefined)).toBe(false);
    expect(hasScope({})).toBe(false);
    expect(hasScope({ organizationId: org })).toBe(true);
    expect(hasScope({ userId: user })).toBe(true);
  });
});
