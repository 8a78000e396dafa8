// Every migration, in order. A static list works the same from TypeScript sources and the build.
import type { Migration } from 'kysely';
import * as m0001 from './2026_11_23_0001_identity_and_organizations.js';
import * as m0002 from './2026_11_23_0002_access_control.js';

export const migrations: Record<string, Migration> = {
  '2026_11_23_0001_identity_and_organizations': m0001,
  '2026_11_23_0002_access_control': m0002,
};
