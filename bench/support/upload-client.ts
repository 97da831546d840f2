// A site's upload client as its own process (bench/support/site-upload.ts runs it): streams a CSV file
// to a storage node's local API (`POST /datasets?…`) and prints one JSON line, { status, body, secs,
// cpuMs }: the answer, the seconds from the request's start to the answer's end, and the CPU this
// process used in that time (its own work and, on loopback, the kernel's TCP work it does for both ends).
//
//   node dist/bench/support/upload-client.js <url> <bearer token> <file>
import { open, type FileHandle } from 'node:fs/promises';
import * as http from 'node:http';

const MB = 1024 * 1024;
const [url, token, file] = process.argv.slice(2);
if (url === undefined || token === undefined || file === undefined) throw new Error('usage: upload-client <url> <token> <file>');

/** Says why on stderr and ends with 1 (the caller, site-upload.ts, shows stderr). */
function fail(error: unknown): void {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

// The file is opened, sized and its first block read before the clock starts: that is the client's own
// preparation (20 ms of a fresh process's first file read, measured), not the upload's.
void prepare(file).then(({ fh, size, buffer, bytesRead }) => {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(size) } }, (res) => {
    let body = '';
    res.on('data', (d: Buffer) => (body += d.toString()));
    res.on('end', () => {
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      process.stdout.write(`${JSON.stringify({ status: res.statusCode ?? 0, body, secs, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
    });
  });
  req.on('error', fail);
  send(req, fh, buffer, bytesRead).catch((error: unknown) => {
    fail(error);
    req.destroy();
  });
}, fail);

async function prepare(path: string): Promise<{ fh: FileHandle; size: number; buffer: Buffer; bytesRead: number }> {
  const fh = await open(path, 'r');
  const { size } = await fh.stat();
  const buffer = Buffer.allocUnsafeSlow(4 * MB);
  const { bytesRead } = await fh.read(buffer, 0, buffer.length, null);
  return { fh, size, buffer, bytesRead };
}

/**
 * The file's bytes into the request, read into one buffer that is reused once its write is done. Not
 * `createReadStream(…).pipe(req)`: that allocates a fresh buffer for every read, and faulting in those
 * pages made the client take ~350 ms of CPU per 200 MiB instead of ~110 — out of the two cores the node
 * under test runs on.
 */
async function send(request: http.ClientRequest, fh: FileHandle, buffer: Buffer, firstRead: number): Promise<void> {
  try {
    for (let bytesRead = firstRead; bytesRead > 0; bytesRead = (await fh.read(buffer, 0, buffer.length, null)).bytesRead) {
      await new Promise<void>((resolve, reject) => {
        request.write(buffer.subarray(0, bytesRead), (error) => {
          if (error) reject(error);
          else resolve();
        });
      });
    }
    request.end();
  } finally {
    await fh.close();
  }
}
