import { migrate, pendingSchemaDiff } from '@phdmf/persistence';
import { tempDir } from '@phdmf/testing';
import { ACCOUNTS_PERSISTENCE } from './persistence';

describe('accounts persistence', () => {
  it('its migrations create exactly the tables its entities describe', async () => {
    const dir = tempDir('phdmf-accounts-schema-');
    try {
      const settings = { service: 'accounts', dataDir: dir.dir, ...ACCOUNTS_PERSISTENCE };
      const report = await migrate(settings);
      expect(report.applied).toContain('Migration20261124100000Accounts');
      expect((await pendingSchemaDiff(settings)).trim()).toBe('');
    } finally {
      dir.remove();
    }
  });
});
