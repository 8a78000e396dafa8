// A redis-server of the test's own, on a free loopback port, reached through a TCP relay the test
// controls: it can freeze Redis (SIGSTOP) or reset every connection to it while its data stays.
import { spawn } from 'node:child_process';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';

export interface OwnRedis {
  /** Through the relay: what the code under test uses. */
  readonly url: string;
  /** Straight to redis-server: never cut by the relay. */
  readonly directUrl: string;
  /** An admin connection straight to redis-server. */
  readonly admin: Redis;
  /** SIGSTOP: Redis keeps every connection open and answers nothing. */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  /** Resets every relayed connection, and every new one until `reconnect()`; data stays. */
  cutConnections(): void;
  reconnect(): void;
  /** Stops the relay and Redis (thawed first), always. */
  stop(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const redisPort = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // ioredis keeps retrying until redis-server listens.
  const admin = new Redis({ port: redisPort, host: '127.0.0.1' });
  admin.on('error', () => undefined);
  try {
    await ready(admin);
  } catch (error) {
    admin.disconnect();
    server.kill('SIGKILL');
    throw error;
  }

  let cut = false;
  const pairs = new Set<[Socket, Socket]>();
  const relay: Server = createServer((downstream) => {
    if (cut) {
      downstream.resetAndDestroy();
      return;
    }
    const upstream = connect(redisPort, '127.0.0.1');
    const pair: [Socket, Socket] = [downstream, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayPort = (relay.address() as AddressInfo).port;

  const signal = (name: NodeJS.Signals) => {
    if (server.exitCode === null) server.kill(name);
  };
  return {
    url: `redis://127.0.0.1:${relayPort}`,
    directUrl: `redis://127.0.0.1:${redisPort}`,
    admin,
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    cutConnections() {
      cut = true;
      for (const [downstream, upstream] of pairs) {
        downstream.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    reconnect() {
      cut = false;
    },
    async stop() {
      relay.close();
      for (const [downstream, upstream] of pairs) {
        downstream.destroy();
        upstream.destroy();
      }
      admin.disconnect();
      signal('SIGCONT');
      signal('SIGTERM');
      await exited;
    },
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves once the client is connected; the caller's hook timeout bounds the wait. */
function ready(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}
