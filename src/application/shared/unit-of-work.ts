// Transactions: a unit of work hands the callback repositories bound to one transaction.
import type {
  OneTimeTokenRepository,
  PhoneVerificationRepository,
  RefreshTokenRepository,
  SessionRepository,
  UserRepository,
} from '../identity/ports.js';
import type {
  ApiKeyRepository,
  AuditLogRepository,
  InvitationRepository,
  MembershipRepository,
  RoleRepository,
  TeamRepository,
} from '../access/ports.js';
import type { AnalyticsMaintenance, AnalyticsReader } from '../analytics/ports.js';
import type { AttachmentMaintenance, AttachmentRepository } from '../attachments/ports.js';
import type { DigestRepository } from '../digest/ports.js';
import type { EventLog } from '../events/ports.js';
import type { JobOutbox } from '../jobs/ports.js';
import type { LabelRepository } from '../labels/ports.js';
import type { NotificationRepository } from '../notifications/ports.js';
import type { OrganizationRepository } from '../organizations/ports.js';
import type { AssignmentRuleRepository } from '../projects/assignment-ports.js';
import type { ProjectRepository } from '../projects/ports.js';
import type { TaskRepository } from '../tasks/ports.js';
import type { TaskSearch } from '../tasks/search-ports.js';
import type { WebhookRepository } from '../webhooks/ports.js';

export interface Repositories {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly oneTimeTokens: OneTimeTokenRepository;
  readonly phoneVerifications: PhoneVerificationRepository;
  readonly organizations: OrganizationRepository;
  readonly memberships: MembershipRepository;
  readonly roles: RoleRepository;
  readonly invitations: InvitationRepository;
  readonly teams: TeamRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly audit: AuditLogRepository;
  readonly events: EventLog;
  readonly jobs: JobOutbox;
  readonly projects: ProjectRepository;
  readonly labels: LabelRepository;
  readonly tasks: TaskRepository;
  readonly search: TaskSearch;
  readonly webhooks: WebhookRepository;
  readonly notifications: NotificationRepository;
  readonly digests: DigestRepository;
  readonly assignmentRules: AssignmentRuleRepository;
  readonly analytics: AnalyticsReader & AnalyticsMaintenance;
  readonly attachments: AttachmentRepository & AttachmentMaintenance;
}

/**
 * Whose data a unit of work may see. Row-level security shows tenant rows only of
 * `organizationId`; `userId` additionally shows the user's own memberships and organizations
 * (to list them across tenants). With neither, no tenant row is visible.
 */
export interface TenantScope {
  readonly organizationId?: string | undefined;
  readonly userId?: string | undefined;
}

export interface UnitOfWork {
  /**
   * Runs `work` in one transaction: all its writes commit together or none do. Inside a request
   * whose answer must commit with its change (an Idempotency-Key request), every run joins the
   * request's one transaction, each in a savepoint: a run that throws is undone as if it had been
   * a transaction of its own, but nothing commits until the request's answer does.
   */
  run<T>(work: (tx: Repositories) => Promise<T>, scope?: TenantScope): Promise<T>;
  /**
   * Runs read-only `work`: every statement sees `scope` and writes are refused, but statements do
   * not share one snapshot (an adapter may run each on its own, to save round trips). For reads
   * whose statements need no common view: a page and the check that its project exists.
   */
  read<T>(work: (tx: Repositories) => Promise<T>, scope: TenantScope): Promise<T>;
  /**
   * Runs `effect` once what the caller's units of work wrote is committed: at once, or, inside a
   * request transaction, after its real commit (never when it rolls back). For what must not
   * happen before the commit: dropping a cache entry early lets a concurrent reader cache the old
   * state again; a mail must not announce what may still roll back.
   */
  afterCommit(effect: () => Promise<void> | void): Promise<void>;
}
