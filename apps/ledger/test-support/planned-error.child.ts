// Loads the ledger service like production does, then fails in a planned way:
//   argv[2]: 'exception' (uncaught) or 'rejection' (unhandled)
//   argv[3]: 'main' runs the real main.ts; 'module-only' only imports the app module (and so the
//            chaincode), without runService, to show what fabric-contract-api's handlers do alone.
// A process that is still running after the failure prints STILL ALIVE and exits 0.
const [, , failure, entry] = process.argv;

async function load(): Promise<void> {
  if (entry === 'main') await import('../src/main');
  else await import('../src/app.module');
}

void load();
setTimeout(() => {
  if (failure === 'exception') throw new Error('planned uncaught exception');
  void Promise.reject(new Error('planned unhandled rejection'));
}, 200);
setTimeout(() => {
  process.stdout.write('STILL ALIVE\n');
  process.exit(0);
}, 3_000);
