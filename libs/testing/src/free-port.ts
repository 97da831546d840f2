import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// A port that `listen(0)` hands out comes from the kernel's ephemeral range, the same range every
// outgoing connection's local port is taken from. In a busy test run (NATS clients, HTTP calls,
// PostgreSQL) such a port can be given to a client connection between this check and the moment the
// server a test starts binds it — a storage site started half a minute later then cannot listen.
// Ports are therefore chosen below that range, where the kernel never allocates on its own.
const LOWEST = 20_000;
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range (Linux: ip_local_port_range; 32768 elsewhere). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => {
      resolve(false);
    });
    srv.listen(port, '127.0.0.1', () => {
      srv.close(() => {
        resolve(true);
      });
    });
  });
}

/**
 * A free loopback port for a server a test starts, outside the ephemeral range and never the same
 * twice in one test process (two servers of one test must not be given one port).
 */
export async function freePort(): Promise<number> {
  const { low, high } = workerSlice();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${low} and ${high} after 200 tries`);
}

/**
 * `count` consecutive free ports (for a command that counts up from a base port, as the start command
 * does for its services' metrics listeners); each is handed out, so no later freePort() returns one.
 */
export async function freePortBlock(count: number): Promise<number> {
  const { low, high } = workerSlice();
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = low + Math.floor(Math.random() * (high - low - count));
    const block = Array.from({ length: count }, (_, i) => base + i);
    if (block.some((p) => handedOut.has(p))) continue;
    if (!(await Promise.all(block.map(canListen))).every(Boolean)) continue;
    for (const p of block) handedOut.add(p);
    return base;
  }
  throw new Error(`no ${count} consecutive free ports between ${low} and ${high} after 200 tries`);
}

/** How many slices the range is cut into: more than Jest's workers on any machine this runs on. */
const SLICES = 8;

/**
 * This Jest worker's own slice of the range. Two suites running at once in different workers could
 * otherwise both find a port free and pick it: the start command's test picks its sites' ports, then
 * starts them some twenty seconds later — by then another worker's nats-server may hold the port, and
 * the site exits at start, five times, until the supervisor gives up (seen once in CI). Outside Jest
 * (JEST_WORKER_ID unset) the first slice.
 */
function workerSlice(): { low: number; high: number } {
  const worker = Number(process.env['JEST_WORKER_ID'] ?? '1');
  const index = ((Number.isInteger(worker) && worker > 0 ? worker : 1) - 1) % SLICES;
  const width = Math.floor((ephemeralLow() - LOWEST) / SLICES);
  return { low: LOWEST + index * width, high: LOWEST + (index + 1) * width - 1 };
}
