// The system the browser tests drive: the start command's own (`up.mjs --no-install`, as `npm test`
// built it), on free ports in a directory of the test's own. CONSOLE_E2E_DATA_DIR and
// CONSOLE_E2E_EDGE point the tests at a system already running instead (while developing the console).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@phdmf/testing';
import { freePorts, LocalSystem } from '../../../../e2e/local-up/support/local-system';

export interface ConsoleTarget {
  /** The edge's origin: the console is at `/`. */
  edge: string;
  password(email: string): string;
  stop(): Promise<void>;
}

export async function startTarget(): Promise<ConsoleTarget> {
  const reuseDir = process.env['CONSOLE_E2E_DATA_DIR'];
  const reuseEdge = process.env['CONSOLE_E2E_EDGE'];
  if (reuseDir && reuseEdge) {
    return {
      edge: reuseEdge,
      password: (email) => readFileSync(path.join(reuseDir, 'keys', email === 'admin@phdmf.local' ? 'bootstrap-admin.password' : `${email}.password`), 'utf8').trim(),
      stop: () => Promise.resolve(),
    };
  }
  const dir = tempDir('phdmf-console-e2e-');
  const system = await LocalSystem.start(dir.dir, await freePorts());
  return {
    edge: system.edge,
    password: (email) => system.password(email),
    stop: async () => {
      await system.stop();
      dir.remove();
    },
  };
}
