import { generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson, isStorageNodeId, nodeKeyId, StorageGetNodeInfo, StorageRunAudit, StorageSummarize, verifyNodeSignature } from '../index';

describe('storage contracts', () => {
  it('builds one versioned subject per node, from a validated node id only', () => {
    expect(StorageSummarize.contractFor('node-a').subject).toBe('phdmf.storage.node-a.qry.summarize.v1');
    expect(StorageRunAudit.contractFor('node-a').subject).toBe('phdmf.storage.node-a.cmd.run-audit.v1');
    expect(StorageGetNodeInfo.contractFor('node-a').subject).toBe('phdmf.storage.node-a.qry.node-info.v1');
    expect(StorageSummarize.contractFor('node-a')).toBe(StorageSummarize.contractFor('node-a'));
    for (const bad of ['node.a', 'node-*', '>', 'Node', '-a', 'a-', '', 'x'.repeat(65)]) {
      expect(isStorageNodeId(bad)).toBe(false);
      expect(() => StorageSummarize.contractFor(bad)).toThrow(/not a storage node id/);
      expect(() => StorageGetNodeInfo.contractFor(bad)).toThrow(/not a storage node id/);
    }
  });

  it('canonical JSON sorts keys at every depth, drops undefined members and refuses non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true }, u: undefined })).toBe('{"a":{"c":true,"d":[1,"x",null]},"b":1}');
    expect(() => canonicalJson({ x: NaN })).toThrow(/not a finite number/);
  });

  it('verifies a node signature over the canonical body with the registered public key, and nothing else', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const body = { nodeId: 'node-a', columns: [{ name: 'age', count: 10 }] };
    const signature = { algorithm: 'Ed25519' as const, keyId: nodeKeyId(pem), value: sign(null, Buffer.from(canonicalJson(body)), privateKey).toString('base64') };
    // Key order on the wire does not matter.
    expect(verifyNodeSignature({ columns: [{ count: 10, name: 'age' }], nodeId: 'node-a' }, signature, pem)).toBe(true);
    expect(verifyNodeSignature({ ...body, nodeId: 'node-b' }, signature, pem)).toBe(false);
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyNodeSignature(body, signature, other)).toBe(false);
    expect(verifyNodeSignature(body, signature, 'not a key')).toBe(false);
  });
});
