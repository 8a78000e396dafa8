// Who is acting: the authenticated caller as use cases see it.

export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly sessionId: string;
}

export type Principal = UserPrincipal;
