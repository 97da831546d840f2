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
  const high = ephemeralLow() - 1;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${high} after 200 tries`);
}
