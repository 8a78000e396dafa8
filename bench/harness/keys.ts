// The production signing key of the benchmark server (NODE_ENV=production requires
// JWT_PRIVATE_KEY): an Ed25519 JWK made once with the application's own generator and kept in
// bench/.keys/ (gitignored), so tokens of one run stay valid in the next.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateEd25519Jwk, parsePrivateJwk } from '../../src/adapters/security/jwt-keys.js';

const FILE = path.join(import.meta.dirname, '..', '.keys', 'jwt-ed25519.json');

/** The JWK as JWT_PRIVATE_KEY wants it (JSON text). */
export async function benchSigningKey(): Promise<string> {
  try {
    const text = await readFile(FILE, 'utf8');
    parsePrivateJwk(text);
    return text.trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(FILE), { recursive: true, mode: 0o700 });
  const text = JSON.stringify(await generateEd25519Jwk());
  await writeFile(FILE, `${text}\n`, { mode: 0o600 });
  return text;
}
