// A site's upload client as its own process (bench/support/site-upload.ts runs it): streams a CSV file
// to a storage node's local API (`POST /datasets?…`) and prints one JSON line, { status, body, secs,
// cpuMs }: the answer, the seconds from the request's start to the answer's end, and the CPU this
// process used in that time (its own work and, on loopback, the kernel's TCP work it does for both ends).
//
//   node dist/bench/support/upload-client.js <url> <bearer token> <file>
import { createReadStream, statSync } from 'node:fs';
import * as http from 'node:http';

const MB = 1024 * 1024;
const [url, token, file] = process.argv.slice(2);
if (url === undefined || token === undefined || file === undefined) throw new Error('usage: upload-client <url> <token> <file>');

const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(statSync(file).size) } }, (res) => {
  let body = '';
  res.on('data', (d: Buffer) => (body += d.toString()));
  res.on('end', () => {
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(`${JSON.stringify({ status: res.statusCode ?? 0, body, secs, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  });
});
req.on('error', (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
createReadStream(file, { highWaterMark: 4 * MB }).pipe(req);
