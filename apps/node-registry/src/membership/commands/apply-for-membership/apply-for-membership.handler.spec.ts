import type { MikroORM } from '@mikro-orm/core';
import { generateKeyPairSync } from 'node:crypto';
import { NodeRegistryErrorCode, type NodeRegistryApplyForMembership } from '@phdmf/contracts';
import { registryDatabase, storedApplication } from '../../../../test-support/registry-world';
import { ApplyForMembershipHandler } from './apply-for-membership.handler';

const researcher = (userId: string) => ({ userId, roles: ['researcher'] });
const publicKey = () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

function application(over: Partial<NodeRegistryApplyForMembership.Payload> = {}): NodeRegistryApplyForMembership.Payload {
  return { name: 'Hospital', contactName: 'Dr. A', contactEmail: 'A@Hospital.test', nodeId: `node-${Math.random().toString(36).slice(2, 8)}`, endpoint: 'https://n.test:8443', nodePublicKey: publicKey(), ...over };
}

describe('ApplyForMembershipHandler', () => {
  let db: Awaited<ReturnType<typeof registryDatabase>>;
  let orm: MikroORM;
  let handler: ApplyForMembershipHandler;

  beforeEach(async () => {
    db = await registryDatabase();
    orm = db.orm;
    handler = new ApplyForMembershipHandler(orm);
  });

  afterEach(async () => {
    await db.close();
  });

  it('assigns an MSP id of the new member when the institution brings none (the embedded ledger)', async () => {
    const view = await handler.execute(application(), researcher('u-1'));
    expect(view).toMatchObject({ status: 'pending', mspId: `${view.memberId}-msp`, contactEmail: 'a@hospital.test' });
  });

  it("keeps the institution's own MSP id (its organisation on a Fabric channel)", async () => {
    const view = await handler.execute(application({ mspId: 'HospitalAMSP' }), researcher('u-1'));
    expect(view.mspId).toBe('HospitalAMSP');
  });

  it('refuses an MSP id another pending or admitted application holds', async () => {
    await storedApplication(orm, { mspId: 'HospitalAMSP' });
    await expect(handler.execute(application({ mspId: 'HospitalAMSP' }), researcher('u-2'))).rejects.toMatchObject({ code: NodeRegistryErrorCode.MSP_ID_TAKEN });
    await expect(handler.execute(application({ mspId: 'HospitalBMSP' }), researcher('u-2'))).resolves.toMatchObject({ mspId: 'HospitalBMSP' });
  });
});
