import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { CommonErrorCode, PhdmfError, StorageGetNodeInfo, type ConnectionTestResult } from '@phdmf/contracts';
import { MessageBus } from '@phdmf/messaging';
import { NodeRegistryConfig } from '../../config';
import type { Institution } from '../domain/institution';

/**
 * Reaches a member's storage node over NATS with the node's own query,
 * `StorageGetNodeInfo.contractFor(nodeId)` (`phdmf.storage.<nodeId>.qry.node-info.v1`): only the
 * storage service configured with that node id subscribes to it, so no other site can answer for
 * it. The node reports its software version, its checks and the ledger height it sees itself.
 */
@Injectable()
export class StorageNodeProbe {
  constructor(
    private readonly bus: MessageBus,
    private readonly config: NodeRegistryConfig,
  ) {}

  async probe(institution: Pick<Institution, 'memberId' | 'nodeId'>): Promise<ConnectionTestResult> {
    const { memberId, nodeId } = institution;
    const testedAt = new Date().toISOString();
    const started = performance.now();
    const base = { memberId, nodeId, probe: 'node' as const, testedAt };
    try {
      const info = await this.bus.request(StorageGetNodeInfo.contractFor(nodeId), {}, { timeoutMs: this.config.CONNECTION_TEST_TIMEOUT_MS });
      const roundTripMs = round(performance.now() - started);
      if (info.nodeId !== nodeId) {
        // Cannot happen with a correctly built node (the subject carries its id); refuse to vouch for it if it does.
        return { ...base, reachable: false, roundTripMs, failure: { code: 'NODE.IDENTITY_MISMATCH', reason: `the answer on node ${nodeId}'s subject came from a node calling itself ${info.nodeId}` } };
      }
      const down = Object.entries(info.checks).filter(([, s]) => s !== 'up').map(([name]) => name);
      return {
        ...base,
        reachable: true,
        roundTripMs,
        softwareVersion: info.softwareVersion,
        ...(info.ledgerHeight !== null ? { ledgerHeight: info.ledgerHeight } : {}),
        checks: info.checks,
        ...(down.length === 0 ? {} : { failure: { code: 'NODE.UNHEALTHY', reason: `node ${nodeId} answers but reports ${down.join(', ')} down` } }),
      };
    } catch (error) {
      return { ...base, reachable: false, roundTripMs: round(performance.now() - started), failure: this.explain(error, nodeId) };
    }
  }

  private explain(error: unknown, nodeId: string): { code: string; reason: string } {
    const code = error instanceof PhdmfError ? error.code : CommonErrorCode.INTERNAL;
    switch (code) {
      case CommonErrorCode.NO_RESPONDERS:
        return { code, reason: `no storage service of node ${nodeId} is connected to NATS (it is stopped, or cannot reach the consortium's NATS)` };
      case CommonErrorCode.TIMEOUT:
        return { code, reason: `node ${nodeId} did not answer within ${this.config.CONNECTION_TEST_TIMEOUT_MS} ms (overloaded or a network problem)` };
      case CommonErrorCode.UNAVAILABLE:
        return { code, reason: 'the registry itself has no NATS connection right now' };
      default:
        return { code, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
