import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { CommonErrorCode, GetHealth, LedgerGetChainInfo, PhdmfError, type ConnectionTestResult } from '@phdmf/contracts';
import { MessageBus } from '@phdmf/messaging';
import { NodeRegistryConfig } from '../../config';
import type { Institution } from '../domain/institution';

/**
 * Reaches a member's storage node over NATS. Today it asks the data-storage health query: the
 * storage contracts have no per-node ping yet (see README), so in a deployment with several sites
 * any site's storage service may answer. The result shape already carries what a per-node answer
 * will add (the node's own ledger height).
 */
@Injectable()
export class StorageNodeProbe {
  constructor(
    private readonly bus: MessageBus,
    private readonly config: NodeRegistryConfig,
  ) {}

  async probe(institution: Pick<Institution, 'memberId' | 'nodeId'>): Promise<ConnectionTestResult> {
    const testedAt = new Date().toISOString();
    const started = performance.now();
    const base = { memberId: institution.memberId, nodeId: institution.nodeId, probe: 'service-health' as const, testedAt };
    try {
      const health = await this.bus.request(GetHealth.contractFor('data-storage'), {}, { timeoutMs: this.config.CONNECTION_TEST_TIMEOUT_MS });
      const roundTripMs = round(performance.now() - started);
      const down = Object.entries(health.checks).filter(([, s]) => s !== 'up').map(([name]) => name);
      const ledgerHeight = await this.ledgerHeight();
      return {
        ...base,
        reachable: true,
        roundTripMs,
        softwareVersion: health.version,
        ...(ledgerHeight !== undefined ? { ledgerHeight } : {}),
        checks: health.checks,
        ...(health.status === 'up' ? {} : { failure: { code: 'NODE.UNHEALTHY', reason: `the node answers but reports ${down.join(', ') || 'a check'} down` } }),
      };
    } catch (error) {
      return { ...base, reachable: false, roundTripMs: round(performance.now() - started), failure: this.explain(error, institution.nodeId) };
    }
  }

  /**
   * The chain height, read from the ledger at the time of the test. Until storage nodes report the
   * height they see, this is the consortium ledger's height (documented as such in the README).
   */
  private async ledgerHeight(): Promise<number | undefined> {
    try {
      return (await this.bus.request(LedgerGetChainInfo.CONTRACT, {}, { timeoutMs: this.config.CONNECTION_TEST_TIMEOUT_MS })).height;
    } catch {
      return undefined;
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
