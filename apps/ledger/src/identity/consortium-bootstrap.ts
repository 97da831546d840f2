import { ContractName, type ConsortiumContract, type ConsortiumRecord } from '../chaincode/phdmf-chaincode';
import { CommonErrorCode, LedgerChaincodeErrorCode, PhdmfError } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { hasCode } from '../ledger-port/ledger-errors';
import type { LedgerPort, SigningIdentity } from '../ledger-port/ledger-port';

const INITIALIZE: keyof ConsortiumContract = 'initialize';
const GET_CONSORTIUM: keyof ConsortiumContract = 'getConsortium';

/**
 * Makes sure the chain has a consortium governed by `governor`: initializes it on a fresh chain
 * (`consortium:initialize` makes the caller's MSP the governor, once and for all), and refuses to
 * start against a chain governed by another MSP, where every admin transaction would fail.
 */
export async function ensureConsortium(ledger: LedgerPort, governor: SigningIdentity, consortiumName: string, logger: Logger): Promise<ConsortiumRecord> {
  let consortium = await readConsortium(ledger, governor);
  if (consortium === undefined) {
    try {
      const { result, txId, blockNumber } = await ledger.submit(governor, ContractName.Consortium, INITIALIZE, [JSON.stringify({ consortiumName })]);
      consortium = JSON.parse(result) as ConsortiumRecord;
      logger.info({ governorMspId: governor.mspId, txId, blockNumber }, 'initialized the consortium on the ledger');
    } catch (error) {
      // Another instance got there first (a Fabric network is shared): read what it wrote.
      if (!hasCode(error, LedgerChaincodeErrorCode.ConsortiumAlreadyInitialized)) throw error;
      consortium = await readConsortium(ledger, governor);
    }
  }
  if (consortium?.governorMspId !== governor.mspId) {
    throw new PhdmfError(
      CommonErrorCode.CONFIG_INVALID,
      `LEDGER_GOVERNOR_MSP is ${governor.mspId} but the ledger's consortium is governed by ${consortium?.governorMspId ?? 'nobody'}`,
    );
  }
  return consortium;
}

async function readConsortium(ledger: LedgerPort, governor: SigningIdentity): Promise<ConsortiumRecord | undefined> {
  try {
    return JSON.parse(await ledger.evaluate(governor, ContractName.Consortium, GET_CONSORTIUM, ['{}'])) as ConsortiumRecord;
  } catch (error) {
    if (hasCode(error, LedgerChaincodeErrorCode.ConsortiumNotInitialized)) return undefined;
    throw error;
  }
}
