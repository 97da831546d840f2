import { Institution } from './institution';

function institution(): Institution {
  const i = new Institution();
  Object.assign(i, {
    memberId: 'm-1', name: 'A', mspId: 'm-1-msp', nodeId: 'node-a', endpoint: 'https://a:1', nodePublicKey: 'k',
    admittedAt: new Date(), admissionTxId: 't0', admissionBlock: 1, nodeUpdateTxId: null, nodeUpdateBlock: null, lastHeartbeatAt: null, lastTest: null,
  });
  return i;
}

describe('Institution', () => {
  it('applies committed node updates once, and never an older one over a newer one', () => {
    const i = institution();
    expect(i.applyNodeUpdate({ nodeId: 'node-b', endpoint: 'https://b:2', nodePublicKey: 'k2' }, 't2', 5)).toBe(true);
    expect(i.applyNodeUpdate({ nodeId: 'node-b', endpoint: 'https://b:2', nodePublicKey: 'k2' }, 't2', 5)).toBe(false);
    expect(i.applyNodeUpdate({ nodeId: 'node-old', endpoint: 'https://old:1', nodePublicKey: 'k1' }, 't1', 3)).toBe(false);
    expect(i.toView()).toMatchObject({ nodeId: 'node-b', lastNodeUpdate: { txId: 't2', blockNumber: 5 } });
  });

  it('records a heartbeat only when the node answered', () => {
    const i = institution();
    i.recordTest({ memberId: 'm-1', nodeId: 'node-a', reachable: false, probe: 'node', testedAt: '2026-01-01T00:00:00.000Z', roundTripMs: 3 });
    expect(i.lastHeartbeatAt).toBeNull();
    i.recordTest({ memberId: 'm-1', nodeId: 'node-a', reachable: true, probe: 'node', testedAt: '2026-01-01T00:00:01.000Z', roundTripMs: 3 });
    expect(i.toView()).toMatchObject({ lastHeartbeatAt: '2026-01-01T00:00:01.000Z', lastConnectionTest: { reachable: true } });
  });
});
