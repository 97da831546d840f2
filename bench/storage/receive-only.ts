// bench/storage's yardstick for uploads: a Node HTTP server that reads a request's body as the storage
// node's local API does (the request stream, iterated) and drops it — no hash, no inspection, no disk,
// no ledger — and answers 201 with the byte count. The same client sending the same file to it shows
// what receiving alone costs on this machine, and so the most `storage_upload_vs_hash` can reach here.
import * as http from 'node:http';

const port = Number(process.env.PORT);
const server = http.createServer((req, res) => {
  void (async () => {
    let bytes = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) bytes += chunk.length;
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes }));
  })();
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening on ${String(port)}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
