import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker runs its files one after another in one module graph (no fresh import of src/ and
    // its packages per file: 2.6 min instead of 4 on the embedded default). Files share no state
    // through modules: each builds its own app, database, registry and clock.
    isolate: false,
    // Test files wait on PostgreSQL, Redis, sockets and argon2's threads as much as they compute:
    // on a 2-core machine, vitest's default (cores − 1 = one file at a time) left a core idle.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    // No garbage collection of wasm code in the test workers. Node 24's V8 (13.6) can free a
    // wasm-to-JS import wrapper twice: its wasm code GC may end on another thread of the process
    // (an argon2 lane is an isolate too) while the worker's own thread takes the dying wrapper up
    // again for a new PGlite instance, and the second free fails a check
    // (`jit_page_->allocations_.erase(addr) == 1`) that ends the worker; a worker opens and
    // closes a PGlite instance per file, so wrappers die all the time. V8 fixed the lookup after
    // 13.6. Without code GC, wasm code a module no longer uses stays allocated until the worker
    // exits: the import wrappers (one per signature) and code replaced by optimized code.
    execArgv: ['--no-wasm-code-gc'],
  },
});
