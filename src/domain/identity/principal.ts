// Who is acting: the authenticated caller as use cases see it.

/** Where a request came from, carried into the audit log. */
export interface RequestMeta {
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
  readonly requestId?: string | undefined;
}

export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly sessionId: string;
  readonly request?: RequestMeta;
}

/** An API key acts as a service account inside exactly one organization, with one role. */
export interface ApiKeyPrincipal {
  readonly kind: 'apikey';
  readonly keyId: string;
  readonly organizationId: string;
  readonly role: string;
  readonly request?: RequestMeta;
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

export function actorIdOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.userId : principal.keyId;
}
