// What "nothing lost" is measured against: the ledger's own records (read over NATS from the ledger
// service), each site's datasets (its local API), and the read models the other services build from
// the chain's events (the data market, the institutions) — which must end up agreeing with the ledger.
import { GetHealth, LedgerGetChainInfo, LedgerListDatasets, LedgerListMembers, LedgerVerifyChain, StorageGetNodeInfo } from '@phdmf/contracts';
import { CENTRAL_SERVICES, SITES, until, type LocalSystem, type SiteId } from './local-system';

export interface SiteDataset {
  datasetId: string;
  name: string;
  state: string;
  tampered: boolean;
  releasedVersion: number | null;
}

export interface Snapshot {
  height: number;
  /** datasetId → `status@version:sha256` as the ledger holds it. */
  ledgerDatasets: Record<string, string>;
  /** Active members on the ledger. */
  members: string[];
  /** nodeId → that site's datasets (its local API, as its staff member sees them). */
  sites: Record<SiteId, SiteDataset[]>;
}

interface MarketPage {
  items: { datasetId: string; status: string; version: number }[];
  nextCursor: string | null;
  total: number;
}

export async function ledgerSnapshot(system: LocalSystem): Promise<Snapshot> {
  const { height } = await system.bus(LedgerGetChainInfo.CONTRACT, {});
  const { datasets } = await system.bus(LedgerListDatasets.CONTRACT, {});
  const { members } = await system.bus(LedgerListMembers.CONTRACT, {});
  const sites = {} as Record<SiteId, SiteDataset[]>;
  for (const site of SITES) {
    const token = await system.login(`member@${site.domain}`);
    // The demo's few datasets fit one page of the site's list.
    const res = await system.http<{ items: SiteDataset[] }>('GET', `${system.siteUrl(site.nodeId)}/datasets?limit=200`, token);
    if (res.status !== 200) throw new Error(`${site.nodeId} GET /datasets answered ${res.status}`);
    sites[site.nodeId] = res.body.items.map(({ datasetId, name, state, tampered, releasedVersion }) => ({ datasetId, name, state, tampered, releasedVersion })).sort((a, b) => a.datasetId.localeCompare(b.datasetId));
  }
  return {
    height,
    ledgerDatasets: Object.fromEntries(datasets.map((d) => [d.datasetId, `${d.status}@${d.version}:${d.sha256}`])),
    members: members.filter((m) => m.status === 'active').map((m) => m.memberId).sort(),
    sites,
  };
}

/** Every dataset of the data market (the authorization service's read model), paging through it. */
export async function marketDatasets(system: LocalSystem, token: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const res: { status: number; body: MarketPage } = await system.http<MarketPage>('GET', `${system.api}/market/datasets?limit=20${query}`, token);
    if (res.status !== 200) throw new Error(`GET /market/datasets answered ${res.status}: ${JSON.stringify(res.body)}`);
    for (const item of res.body.items) found[item.datasetId] = `${item.status}@${item.version}`;
    cursor = res.body.nextCursor;
  } while (cursor !== null);
  return found;
}

/**
 * Waits until the read models agree with the ledger: every dataset on-chain is in the market with
 * its status and version, and every member on-chain is listed by the node registry.
 */
export async function readModelsAgree(system: LocalSystem, timeoutMs = 60_000): Promise<Snapshot> {
  const researcher = await system.login('researcher@lab.example');
  const admin = await system.login('admin@phdmf.local');
  let last = '';
  try {
    return await until(
      'the market and the institutions to agree with the ledger',
      async () => {
        const snapshot = await ledgerSnapshot(system);
        // The market lists every released dataset that is not deleted.
        const expected = Object.fromEntries(
          Object.entries(snapshot.ledgerDatasets)
            .filter(([, v]) => !v.startsWith('deleted@'))
            .map(([id, v]) => [id, v.slice(0, v.indexOf(':'))]),
        );
        const market = await marketDatasets(system, researcher);
        const institutions = await system.http<{ items: { memberId: string }[] }>('GET', `${system.api}/institutions?onChain=false&limit=200`, admin);
        const listed = institutions.body.items.map((i) => i.memberId).sort();
        last = `ledger ${JSON.stringify(expected)}\nmarket ${JSON.stringify(market)}\nmembers ${JSON.stringify(snapshot.members)}\nlisted ${JSON.stringify(listed)}`;
        return JSON.stringify(sortKeys(market)) === JSON.stringify(sortKeys(expected)) && JSON.stringify(listed) === JSON.stringify(snapshot.members) ? snapshot : undefined;
      },
      timeoutMs,
      500,
    );
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${last}`);
  }
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

export async function verifyChain(system: LocalSystem): Promise<void> {
  const verification = await system.bus(LedgerVerifyChain.CONTRACT, {}, 60_000);
  if (!verification.ok) throw new Error(`the chain does not verify: block ${verification.firstInvalidBlock}: ${verification.reason}`);
}

/** Every central service answers its health query, and every site answers on its own subject. */
export async function allHealthy(system: LocalSystem, timeoutMs = 60_000): Promise<void> {
  for (const service of CENTRAL_SERVICES) {
    await until(`${service} to be healthy`, async () => (await system.bus(GetHealth.contractFor(service), {}, 2_000)).status === 'up', timeoutMs);
  }
  for (const site of SITES) {
    await until(`${site.nodeId} to answer its node-info query`, async () => (await system.bus(StorageGetNodeInfo.contractFor(site.nodeId), {}, 2_000)).nodeId === site.nodeId, timeoutMs);
  }
}
