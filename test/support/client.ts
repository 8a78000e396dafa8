// A small HTTP client for tests: JSON in, the parsed envelope and headers out. Every answer is
// checked against the OpenAPI document first (contract.ts): one that breaks it fails the test.
import { checkAgainstContract, type ContractDocument } from './contract.js';

export interface Reply<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface RequestOptions {
  readonly token?: string | undefined;
  readonly headers?: Record<string, string>;
  /** A raw body sent as-is (for malformed JSON and content-type tests). */
  readonly raw?: string | Buffer;
  /** A multipart/form-data body (fetch sets its Content-Type and boundary). */
  readonly form?: FormData;
  /** Read the answer as bytes: `body` is a Buffer (a download). */
  readonly binary?: boolean;
}

export interface ClientOptions {
  /**
   * The document the app under test serves, when it is not the application's own: a test that
   * mounts routes of its own on a bare Koa app passes `buildOpenApiDocument` of them.
   */
  readonly contract?: ContractDocument;
}

export function client(baseUrl: string, clientOptions: ClientOptions = {}) {
  async function call(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | Buffer | FormData | undefined = options.raw ?? options.form;
    if (payload === undefined && body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload ?? null });
    if (options.binary === true && response.ok) {
      const bytes = Buffer.from(await response.arrayBuffer());
      checkAgainstContract(
        { method, target: path, status: response.status, headers: response.headers, body: bytes },
        clientOptions.contract,
      );
      return { status: response.status, headers: response.headers, body: bytes };
    }
    const text = await response.text();
    checkAgainstContract(
      { method, target: path, status: response.status, headers: response.headers, body: text },
      clientOptions.contract,
    );
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) {
      parsed = JSON.parse(text);
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }
  return {
    get: (path: string, options?: RequestOptions) => call('GET', path, undefined, options),
    delete: (path: string, options?: RequestOptions) => call('DELETE', path, undefined, options),
    options: (path: string, options?: RequestOptions) => call('OPTIONS', path, undefined, options),
    post: (path: string, body?: unknown, options?: RequestOptions) =>
      call('POST', path, body, options),
    patch: (path: string, body?: unknown, options?: RequestOptions) =>
      call('PATCH', path, body, options),
    put: (path: string, body?: unknown, options?: RequestOptions) =>
      call('PUT', path, body, options),
  };
}

export type Client = ReturnType<typeof client>;
