// The tests' contract check (test/support/contract.ts) against answers made up here: it passes
// what the document says and fails, naming the operation, status and problem, what it does not.
// Also the one list of error codes, and docs/api.md naming each with its status.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, STATUS_OF } from '../../src/adapters/http/errors.js';
import { checkAgainstContract, servedDocument } from '../support/contract.js';

const ORG = '0193a5b2-7c1e-7d4e-9f00-1a2b3c4d5e6f';
const ID = '0193a5b2-7c1e-7d4e-9f00-aabbccddeeff';
const meta = { timestamp: '2026-12-05T12:00:00.000Z', request_id: 'req_1' };
const baseHeaders = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_1' };

const label = {
  id: ID,
  name: 'bug',
  color: '#ff0000',
  description: '',
  created_by: null,
  version: 1,
  created_at: '2026-12-05T12:00:00.000Z',
  updated_at: '2026-12-05T12:00:00.000Z',
};

const createLabel =
  (
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    target = `/api/v1/organizations/${ORG}/labels`,
  ) =>
  () =>
    checkAgainstContract({
      method: 'POST',
      target,
      status,
      headers: { ...baseHeaders, ...headers },
      body: JSON.stringify(body),
    });

const location = `/api/v1/organizations/${ORG}/labels/${ID}`;

describe('the contract check', () => {
  it('passes an answer as documented', () => {
    expect(createLabel(201, { success: true, data: label, meta }, { location })).not.toThrow();
  });

  it('names the operation and the status of an undocumented status', () => {
    expect(
      createLabel(418, { success: false, error: { code: 'CONFLICT', message: 'x' }, meta }),
    ).toThrow(`POST /api/v1/organizations/{org}/labels (createLabel) answered 418`);
    expect(createLabel(418, {})).toThrow('status 418 is not documented');
  });

  it('fails an undocumented header, and a required one missing', () => {
    const body = { success: true, data: label, meta };
    expect(createLabel(201, body, { location, 'x-powered-by': 'koa' })).toThrow(
      'header "x-powered-by" is not documented on this response',
    );
    expect(createLabel(201, body)).toThrow('header "location" is required on 201 but missing');
    expect(createLabel(201, body, { location: '/api/v1/nowhere' })).toThrow(
      'Location "/api/v1/nowhere" names no path of the document',
    );
    const limited = { success: false, error: { code: 'RATE_LIMITED', message: 'x' }, meta };
    expect(createLabel(429, limited, { 'retry-after': '3' })).not.toThrow();
    expect(createLabel(429, limited, { 'retry-after': 'soon' })).toThrow(
      'header "retry-after: soon" breaks its schema',
    );
  });

  it('fails a body that breaks the schema, and an error code of another status', () => {
    expect(
      createLabel(201, { success: true, data: { ...label, name: 7 }, meta }, { location }),
    ).toThrow(/body: .*name/);
    expect(
      createLabel(409, { success: false, error: { code: 'NOT_A_CODE', message: 'x' }, meta }),
    ).toThrow(/body: .*code/);
    expect(
      createLabel(409, { success: false, error: { code: 'NOT_FOUND', message: 'x' }, meta }),
    ).toThrow('error code NOT_FOUND is a 404, not a 409');
  });

  it('takes only the router’s answers where no operation is', () => {
    const notFound = { success: false, error: { code: 'NOT_FOUND', message: 'No route' }, meta };
    expect(createLabel(404, notFound, {}, '/api/v1/nothing-here')).not.toThrow();
    expect(createLabel(200, { success: true, data: {}, meta }, {}, '/api/v1/nothing')).toThrow(
      "POST /api/v1/nothing answered 200:\n  - no operation serves it, and 200 is no answer of the router's",
    );
  });
});

describe('the error codes', () => {
  it('are the enumeration of the document’s error schema', () => {
    const document = servedDocument() as { components: { schemas: Record<string, unknown> } };
    expect(document.components.schemas.ErrorCode).toMatchObject({ enum: [...ERROR_CODES] });
  });

  it('are each named in docs/api.md with their status', () => {
    const docs = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const missing = ERROR_CODES.filter((code) => !docs.includes(`\`${code}\` ${STATUS_OF[code]}`));
    expect(missing).toEqual([]);
  });
});
