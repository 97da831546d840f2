import { Inject, Injectable } from '@nestjs/common';
import type { StorageGetNodeInfo } from '@phdmf/contracts';
import { assessHealth, HEALTH_INDICATORS, SOFTWARE_VERSION, type HealthIndicator } from '@phdmf/messaging';
import { STORAGE_SETTINGS, type StorageSettings } from '../../../storage.settings';
import { LedgerClient } from '../../infrastructure/ledger/ledger-client';
import type { NodeSigner } from '../../infrastructure/signing/node-signer';
import { NODE_SIGNER } from '../../storage.tokens';

/**
 * How long the node waits for the ledger's chain height before answering without it. Short, so
 * that a caller's deadline (the registry's CONNECTION_TEST_TIMEOUT_MS, 3 s by default) is met
 * even when the ledger is down: the node then still answers, with the ledger reported down.
 */
export const NODE_INFO_LEDGER_TIMEOUT_MS = 1_000;

/**
 * What this node reports about itself to whoever addresses it (the registry's connection test):
 * the node's identity, version, its own checks (NATS, database) and the ledger height it sees.
 * The ledger is read in parallel with the checks, with a short deadline; if it does not answer,
 * `ledgerHeight` is null and `checks.ledger` is down — the node itself is still reachable.
 */
@Injectable()
export class GetNodeInfoHandler {
  constructor(
    private readonly ledger: LedgerClient,
    @Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[],
    @Inject(NODE_SIGNER) private readonly signer: NodeSigner,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
  ) {}

  async execute(): Promise<StorageGetNodeInfo.Result> {
    const [health, ledgerHeight] = await Promise.all([assessHealth('data-storage', SOFTWARE_VERSION, this.indicators), this.ledgerHeight()]);
    return {
      nodeId: this.settings.nodeId,
      organisationId: this.settings.organisationId,
      softwareVersion: health.version,
      ledgerHeight,
      checks: { ...health.checks, ledger: ledgerHeight === null ? 'down' : 'up' },
      publicKeyFingerprint: this.signer.keyId,
    };
  }

  private async ledgerHeight(): Promise<number | null> {
    try {
      return (await this.ledger.getChainInfo(NODE_INFO_LEDGER_TIMEOUT_MS)).height;
    } catch {
      return null;
    }
  }
}
