// The README's walkthrough, run as written against the system `npm start` brings up — so the README
// cannot drift from the code. Then what the issue asks of that system: killing one process of each
// kind (the ledger, a storage site, a read-model service) while it runs loses no ledger event and no
// dataset, and the walkthrough completes again; after Ctrl-C, a restart keeps the ledger height, the
// datasets and the accounts, seeds nothing again, and the chain verifies.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { tempDir } from '@phdmf/testing';
import { alive, freePorts, LocalSystem, ROOT, SITES, until, type Ports } from '../local-up/support/local-system';
import { allHealthy, readModelsAgree, verifyChain, type Snapshot } from '../local-up/support/snapshot';
import { BashSession, walkthroughBlocks, type Block } from './support/readme-walkthrough';
import { expectWalkthroughMetrics, scrapeSystem } from '../observability/support/system-scrape';

jest.setTimeout(240_000);

const README = path.join(ROOT, 'README.md');
const blocks = walkthroughBlocks(README);
const STEP_TIMEOUT_MS = 120_000;

const json = (key: string, value: string) => new RegExp(`"${key}":\\s*"${value}"`);

/** What each step must show, beyond succeeding. */
const EXPECTED: Record<number, (out: string) => void> = {
  1: (out) => {
    expect(out).toMatch(/"email":\s*"researcher@lab\.example"[\s\S]*"researcher"/);
  },
  2: (out) => {
    expect(out).toMatch(json('status', 'pending'));
    expect(out).toMatch(/"nodeId":\s*"harbourview-\d+"/);
  },
  3: (out) => {
    expect(out).toMatch(json('status', 'admitted'));
    expect(out).toMatch(/"blockNumber":\s*\d+/);
    expect(out).toMatch(/"onChain":\s*\{\s*"status":\s*"active"/);
    expect(out).toMatch(/"roles":\s*\[\s*"institution-admin"\s*\]/);
  },
  4: (out) => {
    expect(out).toMatch(json('state', 'released'));
    expect(out).toMatch(json('state', 'committed'));
    // The hash the site computed and committed is the file's own.
    const recorded = /"sha256":\s*"([0-9a-f]{64})"/.exec(out)?.[1];
    expect(recorded).toBeDefined();
    expect(out).toMatch(new RegExp(`^${recorded}  \\S*ward-7\\.csv$`, 'm'));
  },
  5: (out) => {
    expect(out).toMatch(json('operation', 'add'));
    expect(out).toMatch(/"blockNumber":\s*\d+/);
  },
  6: (out) => {
    expect(out).toMatch(/"name":\s*"Cardiology ward 7 follow-up"/);
    expect(out).toMatch(/"name":\s*"General medicine admissions 2023"/);
    expect(out).toMatch(/"ownerName":\s*"St\. Aldric Medical Centre"/);
  },
  7: (out) => {
    expect(out.match(/"status":\s*"pending"/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(out).toMatch(/"txId":\s*"[0-9a-f]+"/);
  },
  8: (out) => {
    expect(out.match(/"status":\s*"granted"/g)?.length).toBe(2);
  },
  9: (out) => {
    expect(out).toMatch(json('status', 'complete'));
    expect(out).toMatch(/"resultHash":\s*"[0-9a-f]{64}"/);
    expect(out.match(/"status":\s*"used"/g)?.length).toBe(2);
    expect(out).toMatch(/"name":\s*"systolic_bp",\s*"count":\s*\d+,\s*"mean":\s*\d/);
  },
  10: (out) => {
    expect(out).toMatch(/<svg/);
  },
  11: (out) => {
    for (const operation of ['add', 'request', 'grant', 'analysis']) expect(out).toMatch(json('operation', operation));
    expect(out).toMatch(/"height":\s*\d+/);
    expect(out).toMatch(json('validationCode', 'VALID'));
  },
  12: (out) => {
    expect(out).toMatch(json('status', 'granted'));
    expect(out).toMatch(json('privacyMode', 'dp'));
    expect(out).toMatch(/"budgetRho":\s*0\.2/);
  },
  13: (out) => {
    // Two noisy results, each number with its noise; the budget spent on-chain with each spend's transaction; then the refusal.
    expect(out.match(/"meanNoise":\{"sd":[0-9.e-]+,"interval":\[/g)?.length).toBe(2);
    expect(out).toMatch(/"leftRho":\s*0(\.0+\d*e-\d+)?[,\s]/);
    expect(out.match(/"txId":\s*"[0-9a-f]+"/g)?.length).toBe(2);
    expect(out).toMatch(json('code', 'BUDGET.EXHAUSTED'));
  },
  14: (out) => {
    expect(out).toMatch(/"mismatches":\s*\[\s*\{/);
    expect(out).toMatch(/"findingId":\s*"[^"]+"/);
  },
  15: (out) => {
    expect(out).toMatch(json('status', 'tampered'));
    expect(out).toMatch(/"code":\s*"[A-Z_.]*TAMPERED|TAMPERED/);
  },
  16: (out) => {
    expect(out.match(/"status":"granted","statistics":\["count","table","correlation","glm"\]/g)?.length).toBe(2);
  },
  17: (out) => {
    expect(out).toMatch(/"kind":"table","columns":\["age","sex","smoker"\]/);
    expect(out).toMatch(/"chiSquare":\{"statistic":[0-9.e-]+,"df":1,"pValue":/);
    expect(out).toMatch(/<svg/);
  },
  18: (out) => {
    expect(out.match(/"columns":\["[a-z_]+","[a-z_]+"\],"n":\d+,"r":-?[0-9.e-]+/g)?.length).toBe(6);
    expect(out).toMatch(/<svg/);
  },
  19: (out) => {
    expect(out).toMatch(/"kind":"glm"/);
    expect(out).toMatch(/"converged":true/);
    for (const name of ['(Intercept)', 'age', 'bmi', 'sexM', 'smokeryes']) expect(out).toContain(`"name":"${name}"`);
    expect(out).toMatch(/<svg/);
  },
};

async function runStep(bash: BashSession, block: Block): Promise<string> {
  const outcome = await bash.run(block.code, STEP_TIMEOUT_MS);
  if (!outcome.ok) throw new Error(`walkthrough step ${block.step} ("${block.title}") failed:\n${outcome.output}`);
  EXPECTED[block.step]?.(outcome.output);
  return outcome.output;
}

describe('the README walkthrough, against `npm start`', () => {
  const data = tempDir('phdmf-walkthrough-');
  // The walkthrough's own files (`WORK=$(mktemp -d)`) land here, and go with the test.
  const scratch = tempDir('phdmf-walkthrough-work-');
  const shellEnv = () => ({ ...process.env, TMPDIR: scratch.dir, ...system!.walkthroughEnv() });
  let ports: Ports;
  let system: LocalSystem | undefined;
  let bash: BashSession | undefined;

  beforeAll(async () => {
    ports = await freePorts();
    system = await LocalSystem.start(data.dir, ports);
    bash = new BashSession(ROOT, shellEnv());
  });

  afterAll(() => {
    bash?.close();
    system?.kill();
    data.remove();
    scratch.remove();
  });

  it('has the story in numbered blocks, from pointing the shell at the system to the refused analysis and the models', () => {
    expect(blocks.map((b) => b.step)).toEqual([...Array(20).keys()]);
  });

  describe('runs each block as written, in one shell', () => {
    for (const block of blocks) {
      it(`step ${block.step}: ${block.title}`, async () => {
        await runStep(bash!, block);
      });
    }
  });

  it('has every process export the named metrics after the walkthrough, with plausible values and bounded labels (issue 19)', async () => {
    expectWalkthroughMetrics(await scrapeSystem(system!));
  });

  let beforeKill: Snapshot;

  it('loses no ledger event and no dataset when the ledger, a storage site and the authorization service are killed', async () => {
    const s = system!;
    beforeKill = await readModelsAgree(s);
    const victims = ['ledger', 'site-aldric', 'authorization'];
    const old = s.pids();
    for (const name of victims) process.kill(old.children[name]!, 'SIGKILL');

    // While they are down or coming back: a new dataset at another site. It is stored at once; its
    // release commits once the ledger answers again (the staff retry, as the site README says).
    const csv = spawnSync(process.execPath, [path.join(ROOT, 'infra/local/synthetic-data.mjs'), '--profile', 'screening', '--rows', '800', '--seed', '4242'], { encoding: 'utf8' }).stdout;
    const member = await s.login('member@lakeside.example');
    const lakeside = s.siteUrl('site-lakeside');
    const upload = await fetch(`${lakeside}/datasets?name=${encodeURIComponent('Screening during an outage')}&fileName=outage.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect([201, 202]).toContain(upload.status);
    const { datasetId } = (await upload.json()) as { datasetId: string };
    await until(
      'the upload made during the outage to be released on-chain',
      async () => {
        const res = await s.http<{ state: string }>('POST', `${lakeside}/datasets/${datasetId}/release`, member);
        return res.status === 200 && res.body.state === 'released';
      },
      90_000,
      1_000,
    );

    // The supervisor brings each of them back, under a new PID.
    await until('the killed processes to be restarted', () => {
      const now = s.pids();
      return Promise.resolve(victims.every((name) => now.children[name] !== undefined && now.children[name] !== old.children[name] && (now.restarts[name] ?? 0) >= 1));
    });
    for (const name of victims) expect(alive(old.children[name]!)).toBe(false);
    expect(s.output).toMatch(/ledger exited \(SIGKILL\)[^\n]*restarting/);
    await allHealthy(s);

    // Nothing lost: every dataset, member and status the ledger held is still there, the new dataset
    // was committed, and the market — whose service was down while the chain moved — caught up from
    // the event stream.
    const after = await readModelsAgree(s);
    expect(after.height).toBeGreaterThan(beforeKill.height);
    for (const [id, record] of Object.entries(beforeKill.ledgerDatasets)) expect(after.ledgerDatasets[id]).toBe(record);
    expect(after.ledgerDatasets[datasetId]).toMatch(/^active@1:/);
    expect(after.members).toEqual(beforeKill.members);
    expect(after.sites['site-aldric']).toEqual(beforeKill.sites['site-aldric']);
    expect(after.sites['site-north']).toEqual(beforeKill.sites['site-north']);
    expect(after.sites['site-lakeside'].map((d) => d.datasetId)).toEqual(expect.arrayContaining([...beforeKill.sites['site-lakeside'].map((d) => d.datasetId), datasetId]));
    await verifyChain(s);
  });

  it('completes the walkthrough again after the restarts', async () => {
    const again = new BashSession(ROOT, shellEnv());
    try {
      for (const block of blocks) await runStep(again, block);
    } finally {
      again.close();
    }
  });

  it('keeps the ledger height, datasets and accounts across Ctrl-C and a restart, seeds nothing again, and the chain verifies', async () => {
    const before = await readModelsAgree(system!);
    const researcher = await system!.login('researcher@lab.example');
    const analysesBefore = (await system!.http<{ items: { analysisId: string }[] }>('GET', `${system!.api}/analyses`, researcher)).body.items.map((a) => a.analysisId).sort();
    expect(analysesBefore.length).toBeGreaterThanOrEqual(2);
    const pids = Object.values(system!.pids().children);

    expect(await system!.stop()).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);

    system = await LocalSystem.start(data.dir, ports);
    // Everything was in place: no account registered, no application, no upload this time.
    expect(system.output).not.toMatch(/registered|applied for membership|admitted on-chain|uploaded "/);
    expect(system.output).toMatch(/member m-[0-9a-f-]+ in place/);

    const after = await readModelsAgree(system);
    expect(after).toEqual(before);
    await verifyChain(system);
    for (const site of SITES) {
      await system.login(`admin@${site.domain}`);
      await system.login(`member@${site.domain}`);
    }
    const again = await system.login('researcher@lab.example');
    const analysesAfter = (await system.http<{ items: { analysisId: string }[] }>('GET', `${system.api}/analyses`, again)).body.items.map((a) => a.analysisId).sort();
    expect(analysesAfter).toEqual(analysesBefore);
    // The whole story, twice, the kills and the restarts ran with every process kept to its own
    // NATS subjects (infra/nats/permissions.mjs): the server refused nothing.
    expect(system.natsViolations()).toEqual([]);
    expect(await system.stop()).toBe(0);
    system = undefined;
  });
});
