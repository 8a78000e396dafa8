// The running version, read from package.json once.
import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'teamflow' && pkg.version) return pkg.version;
    } catch {
      // try the next location (sources vs. dist/)
    }
  }
  return '0.0.0';
}

export const VERSION = process.env.APP_VERSION ?? readVersion();
