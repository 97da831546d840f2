// What the ledger and Fabric benches send: the same ledger-service request, built the same way,
// so that their numbers compare the paths and not the payloads.
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { LedgerAddDataset, LedgerAdmitMember, LedgerGetChainInfo, type RequestContract } from '@phdmf/contracts';
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

/** Admits the member whose staff send the bench's commands, as the consortium's admin. */
export async function admitBenchMember(nc: NatsConnection, member: { memberId: string; mspId: string; name: string }): Promise<void> {
  const admitted = await request(nc, LedgerAdmitMember.CONTRACT, { ...member, nodeId: 'bench-node', nodePublicKey: PEM, endpoint: 'https://bench.example.org' }, ADMIN_ACTOR);
  if (!admitted.ok) throw new Error(`admitting the bench member failed: ${JSON.stringify(admitted.error)}`);
}

/** One `ledger add-dataset` command as `actor`, answered after commit; a refusal is thrown as `<code>: <message>`. */
export async function addOneDataset(nc: NatsConnection, actor: object): Promise<void> {
  const reply = await request(nc, LedgerAddDataset.CONTRACT, addDataset(), actor);
  if (!reply.ok) throw new Error(`${reply.error?.code ?? '?'}: ${reply.error?.message ?? ''}`);
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
    const { exitCode, signalCode } = service;
    if (exitCode !== null || signalCode !== null) throw new Error(`the ledger service exited (${String(exitCode ?? signalCode)}):\n${output()}`);
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
