// Transactions: a unit of work hands the callback repositories bound to one transaction.
import type {
  OneTimeTokenRepository,
  RefreshTokenRepository,
  SessionRepository,
  UserRepository,
} from '../identity/ports.js';
import type { MembershipRepository, OrganizationRepository } from '../organizations/ports.js';

export interface Repositories {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly oneTimeTokens: OneTimeTokenRepository;
  readonly organizations: OrganizationRepository;
  readonly memberships: MembershipRepository;
}

export interface UnitOfWork {
  /** Runs `work` in one transaction: all its writes commit together or none do. */
  run<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
}
