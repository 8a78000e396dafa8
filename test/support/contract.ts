// The contract check: every answer a test gets from the app is held to the OpenAPI document the
// app serves (the document it builds from its route specs, the one GET /api/v1/openapi.json
// returns). The operation must exist for the method and path, the status must be documented for
// it, every header but the transport ones must be documented on that response (and the required
// ones sent), a Location must name a path of the document, and a JSON body must match the
// documented schema. A miss throws, naming the operation, the status and the problem, so the test
// that made the request fails.
//
// Every way the tests call the app goes through `checkAgainstContract`: client.ts (the JSON
// client, also the `http` of api-process.ts), raw-http.ts (raw sockets) and the few tests that
// read the bytes on the wire themselves.
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { STATUS_OF, type ErrorCode } from '../../src/adapters/http/errors.js';
import { SECURITY_HEADERS } from '../../src/adapters/http/middleware/security.js';
import { pagesRoutes } from '../../src/adapters/http/pages/routes.js';
import { openApiDocument } from '../../src/bootstrap/openapi-document.js';

/** One request and its answer, as a test saw it. */
export interface Exchange {
  readonly method: string;
  /** The request target: a path with its query, or an absolute URL. */
  readonly target: string;
  readonly status: number;
  readonly headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body as text (fetch decodes it) or as the bytes on the wire (still compressed). */
  readonly body: string | Buffer;
}

/** An OpenAPI 3.1 document, as `buildOpenApiDocument` makes it. */
export type ContractDocument = object;

/** The parts of the document the check reads. */
interface DocumentParts {
  readonly paths?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components?: { readonly headers?: Readonly<Record<string, HeaderObject>> };
}

/**
 * Headers the transport sets, or that every answer carries and the document names once (the
 * security headers, in its description): no response lists them.
 */
const TRANSPORT_HEADERS = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'vary',
  'content-encoding',
  'transfer-encoding',
  ...SECURITY_HEADERS.map((name) => name.toLowerCase()),
]);

const isTransportHeader = (name: string) =>
  TRANSPORT_HEADERS.has(name) || name.startsWith('access-control-');

/**
 * What the app answers to a method and path that no operation serves (docs/api.md,
 * Conventions): an unknown path 404, a method the path does not serve 405 with `Allow` (OPTIONS:
 * 204 with `Allow`, or a CORS preflight), and what comes before routing: a malformed URL 400,
 * the per-address rate limit 429, the start gate 503.
 */
const NO_OPERATION = {
  statuses: new Set([204, 400, 404, 405, 429, 503]),
  headers: new Set([
    'x-request-id',
    'x-process-time',
    'ratelimit-limit',
    'ratelimit-remaining',
    'ratelimit-reset',
    'retry-after',
    'allow',
  ]),
};

/** The email-link pages: HTML for people, served beside the API and not part of its document. */
const PAGE_PATHS = pagesRoutes().map((spec) => templateRegex(spec.path.replace(/:(\w+)/g, '{$1}')));

/**
 * Raw-socket tests that send malformed HTTP on purpose: Node refuses most of those requests
 * before any route (client-error.ts), so their answers belong to no operation. The only tests
 * whose answers go unchecked; `file` ends the test file's path, `test` is its full name.
 */
export const UNCHECKED_RAW_TESTS: ReadonlyArray<{ file: string; test: string }> = [
  {
    file: 'test/integration/http/hostile-input.test.ts',
    test: 'the corpus > answers every hostile request below 500, in the envelope',
  },
];

/** Whether the running test is one of UNCHECKED_RAW_TESTS. */
export function isUncheckedRawTest(): boolean {
  const { testPath = '', currentTestName = '' } = expect.getState();
  return UNCHECKED_RAW_TESTS.some(
    (entry) => testPath.endsWith(entry.file) && currentTestName === entry.test,
  );
}

/** A path template of the document (`/organizations/{org}`) as a pattern of request paths. */
function templateRegex(template: string): RegExp {
  const literals = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'));
  return new RegExp(`^${literals.join('[^/]+')}/?$`);
}

interface HeaderObject {
  readonly required?: boolean;
  readonly schema?: Record<string, unknown>;
}

interface ResponseObject {
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly content?: Readonly<Record<string, unknown>>;
}

interface Operation {
  readonly operationId?: string;
  readonly responses?: Readonly<Record<string, ResponseObject>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** A document made ready to check against: its paths matched in order, its schemas compiled. */
class Contract {
  private readonly paths: ReadonlyArray<{
    template: string;
    regex: RegExp;
    item: Readonly<Record<string, unknown>>;
  }>;
  private readonly ajv: Ajv2020;
  private readonly headerAjv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: DocumentParts) {
    this.paths = Object.entries(document.paths ?? {}).map(([template, item]) => ({
      template,
      regex: templateRegex(template),
      item,
    }));
    // The document is one schema resource: a response schema is reached by its JSON pointer and
    // its $refs resolve against the document's components. zod-openapi's keywords that are not
    // JSON Schema (example) are ignored; formats are not checked (zod adds a pattern to each).
    const options = { strict: false, validateFormats: false, allErrors: true } as const;
    this.ajv = new Ajv2020({ ...options, validateSchema: false });
    this.ajv.addSchema(document, DOCUMENT_ID);
    // Header values are text: "5" is the integer 5.
    this.headerAjv = new Ajv2020({ ...options, coerceTypes: true });
  }

  /** The operation for a method and path: the first path that serves the method, as the router. */
  operationOf(method: string, path: string) {
    const lower = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    const found = this.paths.find(
      (entry) => METHODS.includes(lower) && entry.item[lower] && entry.regex.test(path),
    );
    if (!found) return {};
    return { template: found.template, method: lower, operation: found.item[lower] as Operation };
  }

  isDocumentedPath(path: string): boolean {
    return this.paths.some((entry) => entry.regex.test(path));
  }

  header(reference: unknown): HeaderObject {
    const ref = (reference as { $ref?: string }).$ref;
    if (ref === undefined) return reference as HeaderObject;
    const name = decodeURIComponent(ref.replace('#/components/headers/', ''));
    return this.document.components?.headers?.[name] ?? {};
  }

  validatorAt(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (validate === undefined) {
      const found = this.ajv.getSchema(`${DOCUMENT_ID}#${pointer}`);
      if (found === undefined) throw new Error(`contract: no schema at ${pointer}`);
      validate = found;
      this.compiled.set(pointer, validate);
    }
    return validate;
  }

  headerValidator(schema: Record<string, unknown>): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(`header:${key}`);
    if (validate === undefined) {
      validate = this.headerAjv.compile({
        type: 'object',
        properties: { value: schema },
      });
      this.compiled.set(`header:${key}`, validate);
    }
    return validate;
  }

  errorsOf(validate: ValidateFunction, dataVar: string): string {
    return this.ajv.errorsText(validate.errors?.slice(0, 5), { dataVar });
  }
}

const DOCUMENT_ID = 'https://teamflow.invalid/openapi.json';

const pointerToken = (token: string) =>
  encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'));

const contracts = new WeakMap<object, Contract>();
let served: ContractDocument | undefined;

/** The document every app composed from src/ serves (built once per test worker). */
export function servedDocument(): ContractDocument {
  served ??= openApiDocument();
  return served;
}

function contractOf(document: ContractDocument): Contract {
  let contract = contracts.get(document);
  if (contract === undefined) {
    contract = new Contract(document);
    contracts.set(document, contract);
  }
  return contract;
}

function headersOf(headers: Exchange['headers']): Map<string, string> {
  const map = new Map<string, string>();
  if (headers instanceof Headers) {
    headers.forEach((value, name) => map.set(name.toLowerCase(), value));
    return map;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    map.set(name.toLowerCase(), typeof value === 'string' ? value : value.join(', '));
  }
  return map;
}

function textOf(body: string | Buffer, encoding: string | undefined): string {
  if (typeof body === 'string') return body;
  switch (encoding) {
    case 'gzip':
      return gunzipSync(body).toString('utf8');
    case 'br':
      return brotliDecompressSync(body).toString('utf8');
    case 'deflate':
      return inflateSync(body).toString('utf8');
    case undefined:
    default:
      return body.toString('utf8');
  }
}

// Whether `mediaType` is in the range `range` (any type, or `image/` and the like).
function inRange(range: string, mediaType: string): boolean {
  if (range === '*/*') return mediaType !== '';
  return range.endsWith('/*') && mediaType.startsWith(range.slice(0, -1));
}

const mediaTypeOf = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** The problems of an answer to no operation (see NO_OPERATION). */
function noOperationProblems(
  contract: Contract,
  exchange: Exchange,
  headers: Map<string, string>,
): string[] {
  const problems: string[] = [];
  const { status } = exchange;
  const isOptions = exchange.method.toUpperCase() === 'OPTIONS';
  if (!NO_OPERATION.statuses.has(status) || (status === 204) !== isOptions) {
    problems.push(`no operation serves it, and ${status} is no answer of the router's`);
  }
  for (const name of headers.keys()) {
    if (!isTransportHeader(name) && !NO_OPERATION.headers.has(name)) {
      problems.push(`header "${name}" is not one the router sends`);
    }
  }
  if (status >= 400) {
    const parsed = parseJson(textOf(exchange.body, headers.get('content-encoding')));
    const validate = contract.validatorAt('/components/schemas/ErrorEnvelope');
    if (parsed.problem !== undefined) problems.push(parsed.problem);
    else if (!validate(parsed.value)) {
      problems.push(`body: ${contract.errorsOf(validate, 'body')}`);
    }
  }
  return problems;
}

function parseJson(text: string): { value?: unknown; problem?: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { problem: `the body is not JSON: ${JSON.stringify(text.slice(0, 200))}` };
  }
}

/**
 * Checks one answer against `document` (by default the served one) and throws, naming the
 * operation, status and problems, when it breaks the contract.
 */
export function checkAgainstContract(
  exchange: Exchange,
  document: ContractDocument = servedDocument(),
): void {
  // The path as sent (an absolute URL's own path): no normalizing, the router sees it raw.
  const { target } = exchange;
  const path = (target.startsWith('/') ? target : new URL(target).pathname).split(/[?#]/)[0]!;
  if (PAGE_PATHS.some((regex) => regex.test(path))) return;
  const contract = contractOf(document);
  const headers = headersOf(exchange.headers);
  const method = exchange.method.toUpperCase();
  const found = contract.operationOf(method, path);
  const problems: string[] = [];
  let name = `${method} ${path}`;

  if (found.operation === undefined) {
    problems.push(...noOperationProblems(contract, exchange, headers));
  } else {
    name = `${method} ${found.template} (${found.operation.operationId ?? 'no operationId'})`;
    const base = `/paths/${pointerToken(found.template)}/${found.method}/responses/${exchange.status}`;
    const response = found.operation.responses?.[String(exchange.status)];
    if (response === undefined) {
      problems.push(`status ${exchange.status} is not documented`);
    } else {
      problems.push(...headerProblems(contract, response, headers, exchange.status));
      if (method !== 'HEAD') {
        problems.push(...bodyProblems(contract, base, response, exchange, headers));
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `Contract (OpenAPI): ${name} answered ${exchange.status}:\n  - ${problems.join('\n  - ')}`,
    );
  }
}

function headerProblems(
  contract: Contract,
  response: ResponseObject,
  headers: Map<string, string>,
  status: number,
): string[] {
  const problems: string[] = [];
  const documented = new Map(
    Object.entries(response.headers ?? {}).map(([name, header]) => [
      name.toLowerCase(),
      contract.header(header),
    ]),
  );
  for (const [name, value] of headers) {
    if (isTransportHeader(name)) continue;
    const header = documented.get(name);
    if (header === undefined) {
      problems.push(`header "${name}" is not documented on this response`);
      continue;
    }
    if (header.schema !== undefined) {
      const validate = contract.headerValidator(header.schema);
      if (!validate({ value })) {
        problems.push(
          `header "${name}: ${value}" breaks its schema: ${contract.errorsOf(validate, 'header')}`,
        );
      }
    }
  }
  for (const [name, header] of documented) {
    if (header.required && !headers.has(name)) {
      problems.push(`header "${name}" is required on ${status} but missing`);
    }
  }
  const location = headers.get('location');
  if (location !== undefined) {
    if (!contract.isDocumentedPath(location.split(/[?#]/)[0]!)) {
      problems.push(`Location "${location}" names no path of the document`);
    }
  }
  return problems;
}

function bodyProblems(
  contract: Contract,
  base: string,
  response: ResponseObject,
  exchange: Exchange,
  headers: Map<string, string>,
): string[] {
  const content = response.content ?? {};
  const mediaTypes = Object.keys(content);
  if (mediaTypes.length === 0) {
    return exchange.body.length === 0 ? [] : ['the response documents no body, but one came'];
  }
  const mediaType = mediaTypeOf(headers.get('content-type'));
  // A documented range (`*/*`, `image/*`) covers every type of it, as in OpenAPI.
  const documented =
    mediaTypes.find((type) => mediaTypeOf(type) === mediaType) ??
    mediaTypes.find((type) => inRange(mediaTypeOf(type), mediaType));
  if (documented === undefined) {
    return [`content type "${mediaType}" is not documented (${mediaTypes.join(', ')})`];
  }
  if (!/^application\/([\w.+-]*\+)?json$/.test(mediaType)) return [];
  const parsed = parseJson(textOf(exchange.body, headers.get('content-encoding')));
  if (parsed.problem !== undefined) return [parsed.problem];
  const validate = contract.validatorAt(`${base}/content/${pointerToken(documented)}/schema`);
  const problems: string[] = [];
  if (!validate(parsed.value)) problems.push(`body: ${contract.errorsOf(validate, 'body')}`);
  const code = (parsed.value as { error?: { code?: string } } | null)?.error?.code;
  if (exchange.status >= 400 && code !== undefined && code in STATUS_OF) {
    const expected = STATUS_OF[code as ErrorCode];
    if (expected !== exchange.status) {
      problems.push(`error code ${code} is a ${expected}, not a ${exchange.status}`);
    }
  }
  return problems;
}
