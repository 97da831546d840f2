import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';
import type { HealthIndicator } from '@phdmf/messaging';
import type { StorageSettings } from '../../../storage.settings';
import type { LedgerClient } from '../../infrastructure/ledger/ledger-client';
import type { NodeSigner } from '../../infrastructure/signing/node-signer';
import { GetNodeInfoHandler, NODE_INFO_LEDGER_TIMEOUT_MS } from './get-node-info.handler';

const up = (name: string): HealthIndicator => ({ name, isUp: () => Promise.resolve(true) });
const settings = { nodeId: 'node-a', organisationId: 'hospital-a' } as StorageSettings;
const signer = { keyId: 'ab'.repeat(32) } as NodeSigner;

function handler(getChainInfo: LedgerClient['getChainInfo']): GetNodeInfoHandler {
  return new GetNodeInfoHandler({ getChainInfo } as LedgerClient, [up('nats'), up('database')], signer, settings);
}

describe('GetNodeInfoHandler', () => {
  it('reports the node, its checks and the ledger height it reads, with a short deadline on the ledger', async () => {
    const asked: number[] = [];
    const info = await handler((timeoutMs) => {
      asked.push(timeoutMs);
      return Promise.resolve({ height: 7, currentBlockHash: 'h', previousBlockHash: 'g' });
    }).execute();
    expect(asked).toEqual([NODE_INFO_LEDGER_TIMEOUT_MS]);
    expect(info).toEqual({
      nodeId: 'node-a',
      organisationId: 'hospital-a',
      softwareVersion: expect.any(String) as string,
      ledgerHeight: 7,
      checks: { nats: 'up', database: 'up', ledger: 'up' },
      publicKeyFingerprint: signer.keyId,
    });
  });

  it('still answers when the ledger does not, with no height and the ledger down', async () => {
    const info = await handler(() => Promise.reject(new PhdmfError(CommonErrorCode.TIMEOUT, 'no reply'))).execute();
    expect(info).toMatchObject({ nodeId: 'node-a', ledgerHeight: null, checks: { nats: 'up', database: 'up', ledger: 'down' } });
  });
});
