import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** An upload's answer, its time as the client saw it, and the client's CPU in that time. */
export interface UploadResult {
  status: number;
  body: string;
  secs: number;
  cpuMs: number;
}

/**
 * Streams a CSV file to a storage node's local API (`POST /datasets?…`) as a site's staff would: from a
 * client process of its own (upload-client.ts), not from the bench's process, which holds DuckDB, NATS
 * connections and samplers — there the same client used 2–3× the CPU (bench/README.md, bench/storage),
 * taken from the two cores the node under test runs on.
 */
export function uploadCsv(url: string, token: string, file: string): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(__dirname, 'upload-client.js'), url, token, file], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`upload client failed: ${error.message}${stderr === '' ? '' : `\n${stderr}`}`));
        return;
      }
      resolve(JSON.parse(stdout) as UploadResult);
    });
  });
}
