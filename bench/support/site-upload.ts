import { createReadStream, statSync } from 'node:fs';
import * as http from 'node:http';

const MB = 1024 * 1024;

/** Streams a CSV file to a storage node's local API (`POST /datasets?…`) as a site's staff would. */
export function uploadCsv(url: string, token: string, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(statSync(file).size) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    createReadStream(file, { highWaterMark: 4 * MB }).pipe(req);
  });
}
