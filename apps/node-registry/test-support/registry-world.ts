// Test support for node-registry handler specs: a real SQLite database with the service's
// migrations, and a scripted stand-in for the bus (the ledger's and accounts' answers).
import { MikroORM } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { CommonErrorCode, PhdmfError, type AnyRequestContract, type LedgerMemberRecord } from '@phdmf/contracts';
import { createLogger } from '@phdmf/logging';
import type { MessageBus } from '@phdmf/messaging';
import { createOrmOptions, migrate } from '@phdmf/persistence';
import { tempDir } from '@phdmf/testing';
import { loadNodeRegistryConfig } from '../src/config';
import { MembershipApplication } from '../src/membership/domain/application';
import { NODE_REGISTRY_PERSISTENCE } from '../src/persistence';

export type Answer = (payload: unknown, actor: unknown) => unknown;

/** Answers bus requests by subject from a script; an unscripted subject has no responders. */
export class ScriptedBus {
  readonly sent: { subject: string; payload: unknown }[] = [];
  readonly answers = new Map<string, Answer>();

  on(contract: AnyRequestContract, answer: Answer): this {
    this.answers.set(contract.subject, answer);
    return this;
  }

  request(contract: AnyRequestContract, payload: unknown, options?: { actor?: unknown }): Promise<unknown> {
    this.sent.push({ subject: contract.subject, payload });
    const answer = this.answers.get(contract.subject);
    if (!answer) return Promise.reject(new PhdmfError(CommonErrorCode.NO_RESPONDERS, `No service answers ${contract.subject}`));
    try {
      return Promise.resolve(answer(payload, options?.actor));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  asBus(): MessageBus {
    return this as unknown as MessageBus;
  }
}

export async function registryDatabase(): Promise<{ orm: MikroORM; close: () => Promise<void> }> {
  const dir = tempDir('phdmf-registry-');
  const settings = { service: 'node-registry', dataDir: dir.dir, ...NODE_REGISTRY_PERSISTENCE };
  await migrate(settings);
  const orm = await MikroORM.init(createOrmOptions(settings));
  return {
    orm,
    close: async () => {
      await orm.close(true);
      dir.remove();
    },
  };
}

export const testConfig = () => loadNodeRegistryConfig({ NATS_URL: 'nats://127.0.0.1:1', HEARTBEAT_INTERVAL_MS: '0' });
export const silentLogger = () => createLogger({ service: 'test', level: 'silent' });

export async function storedApplication(orm: MikroORM, overrides: Partial<MembershipApplication> = {}): Promise<MembershipApplication> {
  const a = new MembershipApplication();
  Object.assign(a, {
    id: randomUUID(),
    memberId: `m-${randomUUID()}`,
    name: 'Hospital A',
    contactName: 'Head',
    contactEmail: 'head@a.test',
    applicantUserId: randomUUID(),
    nodeId: `node-${randomUUID().slice(0, 8)}`,
    endpoint: 'https://node.a.test:8443',
    nodePublicKey: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAx\n-----END PUBLIC KEY-----\n',
    status: 'pending',
    reason: null,
    submittedAt: new Date(),
    decidedAt: null,
    decidedBy: null,
    decisionTxId: null,
    decisionBlock: null,
    adminAppointedAt: null,
    ...overrides,
  });
  a.mspId = overrides.mspId ?? `${a.memberId}-msp`;
  await orm.em.fork().persist(a).flush();
  return a;
}

export function memberRecord(a: MembershipApplication, txId = 'tx-1'): LedgerMemberRecord {
  return {
    memberId: a.memberId,
    name: a.name,
    mspId: a.mspId,
    status: 'active',
    nodeId: a.nodeId,
    nodePublicKey: a.nodePublicKey,
    endpoint: a.endpoint,
    decidedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    txId,
  };
}
