import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import type { LedgerConfig } from '../config';
import { EmbeddedLedgerAdapter } from './embedded/embedded-ledger.adapter';
import { loadConnectionProfile } from './fabric/connection-profile';
import { FabricLedgerAdapter } from './fabric/fabric-ledger.adapter';
import type { LedgerPort } from './ledger-port';
import { MvccRetryingLedgerPort } from './mvcc-retry';
import { TracedLedgerPort } from './traced-ledger-port';

/**
 * Opens the adapter LEDGER_ADAPTER names, wrapped in the MVCC retry policy and a span per chaincode
 * call: `embedded` (in-process) or `fabric` (a Fabric network through the peers' gateway, described
 * by FABRIC_CONNECTION_FILE).
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
        cutWhenIdle: config.LEDGER_CUT_WHEN_IDLE === 'true',
        logger: logger.child({ component: 'embedded-ledger' }),
      });
      break;
    case 'fabric':
      adapter = openFabric(config, logger);
      break;
  }
  return new TracedLedgerPort(new MvccRetryingLedgerPort(adapter, config.LEDGER_SUBMIT_MAX_ATTEMPTS, config.LEDGER_BUDGET_SUBMIT_MAX_ATTEMPTS));
}

/** The Fabric adapter, after checking that connection.json is usable and names the governing MSP. */
function openFabric(config: LedgerConfig, logger: Logger): FabricLedgerAdapter {
  if (config.FABRIC_CONNECTION_FILE === undefined) {
    throw new PhdmfError(
      CommonErrorCode.CONFIG_INVALID,
      'LEDGER_ADAPTER=fabric needs FABRIC_CONNECTION_FILE: the path of the connection.json that infra/fabric/network.sh up writes',
    );
  }
  const profile = loadConnectionProfile(config.FABRIC_CONNECTION_FILE);
  const mspIds = profile.organisations.map((o) => o.mspId);
  if (!mspIds.includes(config.LEDGER_GOVERNOR_MSP)) {
    throw new PhdmfError(
      CommonErrorCode.CONFIG_INVALID,
      `LEDGER_GOVERNOR_MSP=${config.LEDGER_GOVERNOR_MSP} has no client identity in ${profile.file} (it has ${mspIds.join(', ')}); set LEDGER_GOVERNOR_MSP to the MSP that governs the consortium`,
    );
  }
  logger.info({ connectionFile: profile.file, channel: profile.channel, chaincode: profile.chaincode, packageId: profile.chaincodePackageId, mspIds }, 'fabric ledger: connecting');
  return FabricLedgerAdapter.open({
    profile,
    deadlines: {
      evaluateMs: config.FABRIC_EVALUATE_TIMEOUT_MS,
      endorseMs: config.FABRIC_ENDORSE_TIMEOUT_MS,
      submitMs: config.FABRIC_SUBMIT_TIMEOUT_MS,
      commitStatusMs: config.FABRIC_COMMIT_STATUS_TIMEOUT_MS,
      resubmitMs: config.FABRIC_RESUBMIT_WINDOW_MS,
    },
  });
}
