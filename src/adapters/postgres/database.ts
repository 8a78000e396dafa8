// The schema as Kysely sees it. Row types stay in this adapter; repositories map them to domain types.
import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { AttachmentsTables } from './database-attachments.js';
import type { DigestTables } from './database-digest.js';
import type { EventsTables } from './database-events.js';
import type { NotificationsTables } from './database-notifications.js';
import type { IdempotencyTables } from './database-idempotency.js';
import type { JobsTables } from './database-jobs.js';
import type { LabelsTables } from './database-labels.js';
import type { ProjectsTables } from './database-projects.js';
import type { TasksTables } from './database-tasks.js';
import type { WebhooksTables } from './database-webhooks.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  timezone: string;
  password_hash: string;
  email_verified_at: Timestamp | null;
  phone_number: string | null;
  phone_verified_at: Timestamp | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  device_id: string | null;
  user_agent: string | null;
  ip: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  id: string;
  session_id: string;
  token_hash: string;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

export interface OneTimeTokensTable {
  id: string;
  user_id: string;
  purpose: 'verify_email' | 'reset_password';
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface PhoneVerificationsTable {
  user_id: string;
  id: string;
  phone_number: string;
  code_hash: string;
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  settings: Generated<unknown>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface MembershipsTable {
  organization_id: string;
  id: string;
  user_id: string;
  role: string;
  version: Generated<number>;
  created_at: Timestamp;
}

export interface RolesTable {
  organization_id: string;
  id: string;
  name: string;
  description: Generated<string>;
  permissions: string[];
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InvitationsTable {
  organization_id: string;
  id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  revoked_at: Timestamp | null;
}

export interface InvitationTokensTable {
  token_hash: string;
  organization_id: string;
  invitation_id: string;
}

export interface TeamsTable {
  organization_id: string;
  id: string;
  name: string;
  description: Generated<string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TeamMembersTable {
  organization_id: string;
  id: string;
  team_id: string;
  user_id: string;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  organization_id: string;
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  role: string;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface ApiKeyPrefixesTable {
  prefix: string;
  organization_id: string;
  key_id: string;
}

export interface AuditLogTable {
  organization_id: string;
  id: string;
  actor_type: 'user' | 'apikey';
  actor_id: string;
  action: string;
  target_type: string;
  target_id: string | null;
  changes: ColumnType<Record<string, unknown>, string, never>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  created_at: Timestamp;
}

export interface Database
  extends
    ProjectsTables,
    LabelsTables,
    IdempotencyTables,
    TasksTables,
    EventsTables,
    JobsTables,
    WebhooksTables,
    NotificationsTables,
    DigestTables,
    AttachmentsTables {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  one_time_tokens: OneTimeTokensTable;
  phone_verifications: PhoneVerificationsTable;
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  roles: RolesTable;
  invitations: InvitationsTable;
  invitation_tokens: InvitationTokensTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  api_keys: ApiKeysTable;
  api_key_prefixes: ApiKeyPrefixesTable;
  audit_log: AuditLogTable;
}

export type Db = Kysely<Database>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type MembershipRow = Selectable<MembershipsTable>;
