import { v7 } from 'uuid';
import type { IdGenerator } from '../../application/shared/ports.js';

export const uuidV7Ids: IdGenerator = { next: () => v7() };
