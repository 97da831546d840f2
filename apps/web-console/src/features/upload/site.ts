// The user's own institution's storage site: the console talks to its local API directly from the
// browser (the site allows the console's origin by its CORS_ORIGINS), so rows never pass a central
// service. The site's URL is the endpoint the registry (and the ledger) holds for the institution's node.
// The site's API is not the edge's: its few calls are typed here from its OpenAPI document (/openapi.json).
import { createSHA256 } from 'hash-wasm';
import { api, call, currentAccessToken } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { Page } from '../../ui/paged-list';

/** One version of a dataset at the site (the site's DatasetVersionResponse, the fields shown here). */
export interface SiteVersion {
  version: number;
  sha256: string;
  sizeBytes: number;
  fileName: string;
  rowCount: number;
  release: { state: 'pending' | 'committed' | 'failed'; txId?: string; blockNumber?: number; errorCode?: string; error?: string };
}

/** A dataset at the site (the site's DatasetResponse, the fields shown here). */
export interface SiteDataset {
  datasetId: string;
  name: string;
  state: 'unreleased' | 'released' | 'deleted';
  latestVersion: number;
  tampered: boolean;
  ledgerStatus: 'pending' | 'committed' | 'failed';
  versions?: SiteVersion[];
}

/** The site of the signed-in user's institution: its endpoint as the registry holds it. */
export async function ownSite(organisationId: string): Promise<{ url: string; nodeId: string; name: string }> {
  const institution = await call(api.GET('/api/v1/institutions/{memberId}', { params: { path: { memberId: organisationId } } }));
  return { url: institution.endpoint.replace(/\/+$/, ''), nodeId: institution.nodeId, name: institution.name };
}

async function siteCall<T>(url: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${currentAccessToken() ?? ''}`);
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers, credentials: 'omit' });
  } catch {
    throw new ApiError('NETWORK.UNREACHABLE', 'The site did not answer', 0);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw siteError(response.status, body);
  return body as T;
}

function siteError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string' ? new ApiError(error.code, error.message, status) : new ApiError(`HTTP.${status}`, `The site answered ${status}`, status);
}

/** A page of the site's datasets, newest first: the site's list has the edge's envelope and cursor. */
export function siteDatasets(site: string, cursor: string | undefined): Promise<Page<SiteDataset>> {
  return siteCall<Page<SiteDataset>>(`${site}/datasets${cursor === undefined ? '' : `?${new URLSearchParams({ cursor }).toString()}`}`);
}

export function deleteDataset(site: string, datasetId: string, reason: string): Promise<SiteDataset> {
  return siteCall<SiteDataset>(`${site}/datasets/${encodeURIComponent(datasetId)}?${new URLSearchParams({ description: reason }).toString()}`, { method: 'DELETE' });
}

/**
 * The dataset's current file, from the site itself (like the upload, it never passes a central service).
 * Held as a Blob, which the browser keeps on disk when it is large; its name is the one it was uploaded as.
 */
export async function downloadFile(site: string, datasetId: string): Promise<{ blob: Blob; fileName: string }> {
  const url = `${site}/datasets/${encodeURIComponent(datasetId)}`;
  // The file's name is its version's (the site's CORS exposes no Content-Disposition): the dataset with its versions, asked alongside.
  const [response, dataset] = await Promise.all([
    fetch(`${url}/download`, { headers: { authorization: `Bearer ${currentAccessToken() ?? ''}` }, credentials: 'omit' }).catch(() => {
      throw new ApiError('NETWORK.UNREACHABLE', 'The site did not answer', 0);
    }),
    siteCall<SiteDataset>(url),
  ]);
  if (!response.ok) throw siteError(response.status, await response.json().catch(() => undefined));
  const fileName = dataset.versions?.find((v) => v.version === dataset.latestVersion)?.fileName ?? `${datasetId}.csv`;
  return { blob: await response.blob(), fileName };
}

/** Hands a Blob to the browser's own download (an object URL on a link with `download`, revoked after). */
export function saveAs(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 0);
}

/** The file's SHA-256, read a slice at a time (a file of gigabytes never sits in memory whole). */
export async function sha256OfFile(file: Blob, progress: (bytes: number) => void, sliceBytes = 4 * 1024 * 1024): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  for (let offset = 0; offset < file.size; offset += sliceBytes) {
    hasher.update(new Uint8Array(await file.slice(offset, offset + sliceBytes).arrayBuffer()));
    progress(Math.min(file.size, offset + sliceBytes));
  }
  return hasher.digest('hex');
}

export interface UploadTarget {
  site: string;
  /** A new dataset (with its name), or a new version of this one. */
  datasetId?: string;
  name: string;
  description: string;
}

export function contentTypeOf(file: File): string {
  return /\.parquet$/i.test(file.name) ? 'application/vnd.apache.parquet' : 'text/csv';
}

/**
 * Sends the file as the request body to the site (XMLHttpRequest: fetch reports no upload progress).
 * The site streams it to disk, hashes it, and releases it on the ledger before it answers.
 */
export function upload(target: UploadTarget, file: File, progress: (bytes: number) => void): Promise<SiteDataset> {
  const query = new URLSearchParams({ fileName: file.name, description: target.description });
  if (!target.datasetId) query.set('name', target.name);
  const url = target.datasetId ? `${target.site}/datasets/${encodeURIComponent(target.datasetId)}/versions?${query.toString()}` : `${target.site}/datasets?${query.toString()}`;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', `Bearer ${currentAccessToken() ?? ''}`);
    xhr.setRequestHeader('content-type', contentTypeOf(file));
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      progress(e.loaded);
    };
    xhr.onerror = () => {
      reject(new ApiError('NETWORK.UNREACHABLE', 'The site did not answer', 0));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response as SiteDataset);
      else reject(siteError(xhr.status, xhr.response));
    };
    xhr.send(file);
  });
}
