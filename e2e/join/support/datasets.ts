// A dataset released through a storage site's local API, as its institution's staff upload it, and
// the wait until the market (a read model of the chain's events) lists it.
import type { Api } from './http';
import type { StorageNode } from './stack';

export interface Released {
  datasetId: string;
  txId: string;
  blockNumber: number;
  /** The file's SHA-256, as released on-chain. */
  sha256: string;
}

/** `rows` rows of a small numeric table (age, sbp), uploaded by `token` at `node`; resolves once released on-chain. */
export async function releaseDataset(node: StorageNode, token: string, name: string, rows = 30): Promise<Released> {
  const body = `age,sbp\n${Array.from({ length: rows }, (_, i) => `${30 + (i % 40)},${110 + (i % 35)}`).join('\n')}\n`;
  const query = new URLSearchParams({ name, description: `${name} (test data)`, fileName: `${name.toLowerCase().replace(/\W+/g, '-')}.csv` });
  const res = await fetch(`${node.url}/datasets?${query.toString()}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body });
  const view = (await res.json()) as { datasetId: string; state: string; versions?: { sha256: string; release: { txId?: string; blockNumber?: number } }[] };
  if (res.status !== 201 || view.state !== 'released') throw new Error(`release failed: ${res.status} ${JSON.stringify(view)}`);
  const release = view.versions?.[0]?.release;
  return { datasetId: view.datasetId, txId: release?.txId ?? '', blockNumber: release?.blockNumber ?? -1, sha256: view.versions?.[0]?.sha256 ?? '' };
}

/** Waits until the market shows the dataset (its DatasetAdded event reached the authorization service). */
export async function inMarket(api: Api, datasetId: string, token: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await api.get(`/api/v1/market/datasets/${datasetId}`, token)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`dataset ${datasetId} did not reach the market`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
