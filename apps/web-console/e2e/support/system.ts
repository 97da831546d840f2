// The system the browser tests drive: the start command's own (`up.mjs --no-install`, as `npm test`
// built it), on free ports in a directory of the test's own. CONSOLE_E2E_DATA_DIR and
// CONSOLE_E2E_EDGE point the tests at a system already running instead (while developing the console).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@phdmf/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the browser suite drives the start command's system through the e2e project's harness (a test project, not a library with a package name)
import { freePorts, LocalSystem, SITES, type SiteId } from '../../../../e2e/local-up/support/local-system';

export interface ConsoleTarget {
  /** The edge's origin: the console is at `/`. */
  edge: string;
  /** The start command's data directory (the test attacks a stored file there). */
  dataDir: string;
  password(email: string): string;
  siteUrl(nodeId: SiteId): string;
  stop(): Promise<void>;
}

export async function startTarget(): Promise<ConsoleTarget> {
  const reuseDir = process.env['CONSOLE_E2E_DATA_DIR'];
  const reuseEdge = process.env['CONSOLE_E2E_EDGE'];
  if (reuseDir && reuseEdge) {
    const env = readFileSync(path.join(reuseDir, 'demo.env'), 'utf8');
    return {
      edge: reuseEdge,
      dataDir: reuseDir,
      siteUrl: (nodeId) => {
        const name = SITES.find((s) => s.nodeId === nodeId)?.envName ?? '';
        return new RegExp(`^export ${name}=(\\S+)$`, 'm').exec(env)?.[1] ?? '';
      },
      password: (email) => readFileSync(path.join(reuseDir, 'keys', email === 'admin@phdmf.local' ? 'bootstrap-admin.password' : `${email}.password`), 'utf8').trim(),
      stop: () => Promise.resolve(),
    };
  }
  const dir = tempDir('phdmf-console-e2e-');
  const system = await LocalSystem.start(dir.dir, await freePorts());
  return {
    edge: system.edge,
    dataDir: dir.dir,
    siteUrl: (nodeId) => system.siteUrl(nodeId),
    password: (email) => system.password(email),
    stop: async () => {
      await system.stop();
      dir.remove();
    },
  };
}
