import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import type { LedgerConfig } from '../config';
import { EmbeddedLedgerAdapter } from './embedded/embedded-ledger.adapter';
import type { LedgerPort } from './ledger-port';
import { MvccRetryingLedgerPort } from './mvcc-retry';

/**
 * Opens the adapter LEDGER_ADAPTER names, wrapped in the MVCC retry policy. The Fabric adapter
 * plugs in here: a `FabricLedgerAdapter` over @hyperledger/fabric-gateway (one gRPC connection per
 * peer, one identity per member MSP, deadlines per call kind) that passes the conformance suite.
 */
export async function createLedgerPort(config: LedgerConfig, logger: Logger): Promise<LedgerPort> {
  let adapter: LedgerPort;
  switch (config.LEDGER_ADAPTER) {
    case 'embedded':
      adapter = await EmbeddedLedgerAdapter.open({
        dataDir: config.ledgerDataDir,
        channelName: config.LEDGER_CHANNEL,
        maxTxPerBlock: config.LEDGER_MAX_TX_PER_BLOCK,
        batchTimeoutMs: config.LEDGER_BATCH_TIMEOUT_MS,
        logger: logger.child({ component: 'embedded-ledger' }),
      });
      break;
    case 'fabric':
      throw new PhdmfError(CommonErrorCode.CONFIG_INVALID, 'LEDGER_ADAPTER=fabric: the Fabric adapter is not part of this build yet; use "embedded"');
  }
  return new MvccRetryingLedgerPort(adapter, config.LEDGER_SUBMIT_MAX_ATTEMPTS);
}
