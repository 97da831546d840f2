// What the ledger and Fabric benches send: the same ledger-service request, built the same way,
// so that their numbers compare the paths and not the payloads.
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { LedgerGetChainInfo, type LedgerAddDataset, type RequestContract } from '@phdmf/contracts';
import { Header } from '@phdmf/messaging';
import { headers as natsHeaders, type NatsConnection } from 'nats';

export const ADMIN_ACTOR = { userId: 'bench-admin', roles: ['consortium-admin'] };
export const PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n';
export const SHA = 'ab'.repeat(32);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface Reply {
  ok: boolean;
  data?: { txId: string; blockNumber: number; height?: number };
  error?: { code: string; message: string };
}

export async function request<P extends object>(nc: NatsConnection, contract: RequestContract<P, unknown>, payload: P, actor: object, timeout = 30_000): Promise<Reply> {
  const h = natsHeaders();
  h.set(Header.CorrelationId, randomUUID());
  h.set(Header.Actor, JSON.stringify(actor));
  const msg = await nc.request(contract.subject, encoder.encode(JSON.stringify(payload)), { timeout, headers: h });
  return JSON.parse(decoder.decode(msg.data)) as Reply;
}

let sequence = 0;
export function addDataset(): LedgerAddDataset.Payload {
  const datasetId = `bench-${process.pid}-${++sequence}`;
  return {
    datasetId,
    version: 1,
    fileName: `${datasetId}.csv`,
    sha256: SHA,
    rowCount: 1000,
    columnCount: 3,
    schemaDigest: SHA,
    operator: 'bench-staff',
    description: 'benchmark release',
    name: 'Benchmark cohort',
    columns: ['age', 'bmi', 'sbp'],
  };
}

/** Polls the ledger service (a child process) until it answers a chain-info query, or fails. */
export async function waitUntilAnswering(
  nc: NatsConnection,
  service: ChildProcess,
  output: () => string,
  timing: { deadlineMs: number; pollMs: number; requestTimeoutMs: number },
): Promise<void> {
  const deadline = Date.now() + timing.deadlineMs;
  for (;;) {
    if (service.exitCode !== null) throw new Error(`the ledger service exited (${service.exitCode}):\n${output()}`);
    try {
      const reply = await request(nc, LedgerGetChainInfo.CONTRACT, {}, ADMIN_ACTOR, timing.requestTimeoutMs);
      if (reply.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`the ledger service did not answer within ${timing.deadlineMs / 1000} s:\n${output()}`);
    await new Promise((r) => setTimeout(r, timing.pollMs));
  }
}
