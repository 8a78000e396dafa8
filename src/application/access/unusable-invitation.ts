// The one answer to an invitation token that cannot be used, whether it is previewed or accepted.

export const UNUSABLE_INVITATION =
  'The invitation is invalid, expired, revoked or already accepted';
