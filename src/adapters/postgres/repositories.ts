// Every repository bound to one Kysely handle (the pool, a transaction, a scoped read), each made
// on first use: a unit of work runs once per request and touches two or three of the many, so
// making all of them every time (their closures, the task repository's parts) was a measurable
// share of a read's main-thread time (bench/profile.ts on scenario 2).
import type { Repositories } from '../../application/shared/unit-of-work.js';
import type { Db } from './database.js';
import { postgresAnalyticsReader } from './analytics-reader.js';
import { postgresApiKeyRepository } from './api-key-repository.js';
import { postgresAssignmentRuleRepository } from './assignment-rule-repository.js';
import { postgresAttachmentRepository } from './attachment-repository.js';
import { postgresAuditLogRepository } from './audit-log-repository.js';
import { postgresDigestRepository } from './digest-repository.js';
import { postgresEventLog } from './event-log-repository.js';
import { postgresInvitationRepository } from './invitation-repository.js';
import { postgresJobOutbox } from './job-queue.js';
import { postgresLabelRepository } from './label-repository.js';
import { postgresMembershipRepository } from './membership-repository.js';
import { postgresNotificationRepository } from './notification-repository.js';
import { postgresOrganizationRepository } from './organization-repository.js';
import { postgresPhoneVerificationRepository } from './phone-verification-repository.js';
import { postgresProjectRepository } from './project-repository.js';
import { postgresRoleRepository } from './role-repository.js';
import {
  postgresOneTimeTokenRepository,
  postgresRefreshTokenRepository,
  postgresSessionRepository,
} from './session-repository.js';
import { postgresTaskSearch } from './task-search.js';
import { postgresTaskRepository } from './tasks/repository.js';
import { postgresTeamRepository } from './team-repository.js';
import { postgresUserRepository } from './user-repository.js';
import { postgresWebhookRepository } from './webhook-repository.js';

class LazyRepositories implements Repositories {
  readonly #db: Db;
  #users?: Repositories['users'];
  #sessions?: Repositories['sessions'];
  #refreshTokens?: Repositories['refreshTokens'];
  #oneTimeTokens?: Repositories['oneTimeTokens'];
  #phoneVerifications?: Repositories['phoneVerifications'];
  #organizations?: Repositories['organizations'];
  #memberships?: Repositories['memberships'];
  #roles?: Repositories['roles'];
  #invitations?: Repositories['invitations'];
  #teams?: Repositories['teams'];
  #apiKeys?: Repositories['apiKeys'];
  #audit?: Repositories['audit'];
  #events?: Repositories['events'];
  #jobs?: Repositories['jobs'];
  #projects?: Repositories['projects'];
  #labels?: Repositories['labels'];
  #tasks?: Repositories['tasks'];
  #search?: Repositories['search'];
  #webhooks?: Repositories['webhooks'];
  #notifications?: Repositories['notifications'];
  #digests?: Repositories['digests'];
  #assignmentRules?: Repositories['assignmentRules'];
  #analytics?: Repositories['analytics'];
  #attachments?: Repositories['attachments'];

  constructor(db: Db) {
    this.#db = db;
  }

  get users(): Repositories['users'] {
    return (this.#users ??= postgresUserRepository(this.#db));
  }
  get sessions(): Repositories['sessions'] {
    return (this.#sessions ??= postgresSessionRepository(this.#db));
  }
  get refreshTokens(): Repositories['refreshTokens'] {
    return (this.#refreshTokens ??= postgresRefreshTokenRepository(this.#db));
  }
  get oneTimeTokens(): Repositories['oneTimeTokens'] {
    return (this.#oneTimeTokens ??= postgresOneTimeTokenRepository(this.#db));
  }
  get phoneVerifications(): Repositories['phoneVerifications'] {
    return (this.#phoneVerifications ??= postgresPhoneVerificationRepository(this.#db));
  }
  get organizations(): Repositories['organizations'] {
    return (this.#organizations ??= postgresOrganizationRepository(this.#db));
  }
  get memberships(): Repositories['memberships'] {
    return (this.#memberships ??= postgresMembershipRepository(this.#db));
  }
  get roles(): Repositories['roles'] {
    return (this.#roles ??= postgresRoleRepository(this.#db));
  }
  get invitations(): Repositories['invitations'] {
    return (this.#invitations ??= postgresInvitationRepository(this.#db));
  }
  get teams(): Repositories['teams'] {
    return (this.#teams ??= postgresTeamRepository(this.#db));
  }
  get apiKeys(): Repositories['apiKeys'] {
    return (this.#apiKeys ??= postgresApiKeyRepository(this.#db));
  }
  get audit(): Repositories['audit'] {
    return (this.#audit ??= postgresAuditLogRepository(this.#db));
  }
  get events(): Repositories['events'] {
    return (this.#events ??= postgresEventLog(this.#db));
  }
  get jobs(): Repositories['jobs'] {
    return (this.#jobs ??= postgresJobOutbox(this.#db));
  }
  get projects(): Repositories['projects'] {
    return (this.#projects ??= postgresProjectRepository(this.#db));
  }
  get labels(): Repositories['labels'] {
    return (this.#labels ??= postgresLabelRepository(this.#db));
  }
  get tasks(): Repositories['tasks'] {
    return (this.#tasks ??= postgresTaskRepository(this.#db));
  }
  get search(): Repositories['search'] {
    return (this.#search ??= postgresTaskSearch(this.#db));
  }
  get webhooks(): Repositories['webhooks'] {
    return (this.#webhooks ??= postgresWebhookRepository(this.#db));
  }

  get notifications(): Repositories['notifications'] {
    return (this.#notifications ??= postgresNotificationRepository(this.#db));
  }

  get digests(): Repositories['digests'] {
    return (this.#digests ??= postgresDigestRepository(this.#db));
  }
  get analytics(): Repositories['analytics'] {
    return (this.#analytics ??= postgresAnalyticsReader(this.#db));
  }
  get assignmentRules(): Repositories['assignmentRules'] {
    return (this.#assignmentRules ??= postgresAssignmentRuleRepository(this.#db));
  }
  get attachments(): Repositories['attachments'] {
    return (this.#attachments ??= postgresAttachmentRepository(this.#db));
  }
}

/** The repositories over `db`. Their getters live on the prototype: spread them and you get none. */
export function postgresRepositories(db: Db): Repositories {
  return new LazyRepositories(db);
}
