// Organization-wide labels. Being built.
import type { LabelRepository } from '../../application/labels/ports.js';
import type { Db } from './database.js';

export function postgresLabelRepository(_db: Db): LabelRepository {
  return {};
}
