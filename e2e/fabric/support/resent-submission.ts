// Test support: what the Fabric adapter's re-sending must show while the ordering service cannot take a
// transaction (its orderers stopped): the submission waits instead of failing, and once `bringBack` has
// restarted them it commits, once.
import { ContractName } from '../../../apps/ledger/src/chaincode/phdmf-chaincode';
import { datasetVersion } from '../../../apps/ledger/src/ledger-port/conformance/builders';
import type { FabricLedgerAdapter } from '../../../apps/ledger/src/ledger-port/fabric/fabric-ledger.adapter';
import type { SigningIdentity } from '../../../apps/ledger/src/ledger-port/ledger-port';

/**
 * Submits a new dataset through `port` (orderers down); expects it still pending after 3 s, calls `bringBack`,
 * then expects it answered, the dataset's record written by the answered transaction, and that one VALID.
 */
export async function expectResentUntilOrderersAreBack(port: FabricLedgerAdapter, identity: SigningIdentity, bringBack: () => Promise<void>): Promise<void> {
  const request = datasetVersion();
  let settled = false;
  const submitted = port.submit(identity, ContractName.Dataset, 'addDataset', [JSON.stringify(request)]).finally(() => {
    settled = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(settled).toBe(false);
  await bringBack();
  const result = await submitted;
  const record = JSON.parse(await port.evaluate(identity, ContractName.Dataset, 'getDataset', [JSON.stringify({ datasetId: request.datasetId })])) as { txId: string };
  expect(record.txId).toBe(result.txId);
  expect((await port.getTransaction(result.txId)).validationCode).toBe('VALID');
}
