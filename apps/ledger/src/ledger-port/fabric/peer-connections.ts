// One gRPC connection per peer endpoint for the whole process: every Fabric adapter (and every
// member organisation's gateway in it) that talks to the same peer shares one grpc.Client, which is
// closed when the last user releases it.
import * as grpc from '@grpc/grpc-js';
import type { FabricPeerEndpoint } from './connection-profile';

interface Shared {
  client: grpc.Client;
  users: number;
}

const connections = new Map<string, Shared>();

function keyOf(peer: FabricPeerEndpoint): string {
  return `${peer.endpoint}|${peer.hostOverride ?? ''}|${peer.tlsCACert.toString('base64')}`;
}

/** A handle on the process's connection to `peer`; release it exactly once. */
export interface PeerConnection {
  readonly client: grpc.Client;
  release(): void;
}

export function acquirePeerConnection(peer: FabricPeerEndpoint): PeerConnection {
  const key = keyOf(peer);
  let shared = connections.get(key);
  if (shared === undefined) {
    const options: grpc.ChannelOptions = {
      ...(peer.hostOverride !== undefined ? { 'grpc.ssl_target_name_override': peer.hostOverride } : {}),
      // Chaincode events and deliver streams stay open for long; keep idle connections alive.
      'grpc.keepalive_time_ms': 120_000,
      'grpc.keepalive_timeout_ms': 20_000,
      'grpc.http2.min_time_between_pings_ms': 120_000,
      'grpc.max_receive_message_length': 100 * 1024 * 1024,
    };
    shared = { client: new grpc.Client(peer.endpoint, grpc.credentials.createSsl(peer.tlsCACert), options), users: 0 };
    connections.set(key, shared);
  }
  shared.users++;
  const entry = shared;
  let released = false;
  return {
    client: entry.client,
    release: () => {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users === 0) {
        connections.delete(key);
        entry.client.close();
      }
    },
  };
}

/** How many peer connections the process holds (for tests). */
export function openPeerConnectionCount(): number {
  return connections.size;
}
