import { migrate, pendingSchemaDiff } from '@phdmf/persistence';
import { tempDir } from '@phdmf/testing';
import { NODE_REGISTRY_PERSISTENCE } from './persistence';

describe('node-registry persistence', () => {
  it('its migrations create exactly the tables its entities describe', async () => {
    const dir = tempDir('phdmf-node-registry-schema-');
    try {
      const settings = { service: 'node-registry', dataDir: dir.dir, ...NODE_REGISTRY_PERSISTENCE };
      const report = await migrate(settings);
      expect(report.applied).toContain('Migration20261124110000NodeRegistry');
      expect((await pendingSchemaDiff(settings)).trim()).toBe('');
    } finally {
      dir.remove();
    }
  });
});
