import { once } from 'node:events';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { IdleThread } from './idle-thread';
import { spawnWorker } from './spawn-worker';

const ECHO = join(__dirname, 'testing', 'echo.worker.ts');

async function ask(worker: Worker, message: unknown): Promise<unknown> {
  worker.postMessage(message);
  const [reply] = (await once(worker, 'message')) as [unknown];
  return reply;
}

describe('spawnWorker', () => {
  it('runs a TypeScript entry whose imports use the workspace path aliases', async () => {
    const worker = spawnWorker(ECHO);
    try {
      await expect(ask(worker, { b: 1, a: [true, null] })).resolves.toBe('{"a":[true,null],"b":1}');
    } finally {
      await worker.terminate();
    }
  });

  it('runs the prelude in the thread before the entry', async () => {
    const worker = spawnWorker(ECHO, `require('node:worker_threads').parentPort.postMessage('prelude first');`);
    try {
      const [first] = (await once(worker, 'message')) as [unknown];
      expect(first).toBe('prelude first');
      await expect(ask(worker, [2, 1])).resolves.toBe('[2,1]');
    } finally {
      await worker.terminate();
    }
  });
});

describe('IdleThread', () => {
  it('gives back the kept thread once, and ends a second one offered while it holds one', async () => {
    const idle = new IdleThread();
    const first = spawnWorker(ECHO);
    const second = spawnWorker(ECHO);
    idle.keep(first);
    expect(idle.holding).toBe(true);
    const secondExit = once(second, 'exit');
    idle.keep(second);
    await secondExit;
    const taken = idle.take();
    expect(taken).toBe(first);
    expect(idle.take()).toBeUndefined();
    await expect(ask(first, 'still alive')).resolves.toBe('"still alive"');
    await first.terminate();
  });

  it('forgets a kept thread that dies while it waits', async () => {
    const idle = new IdleThread();
    const worker = spawnWorker(ECHO);
    idle.keep(worker);
    const exited = once(worker, 'exit');
    await worker.terminate();
    await exited;
    expect(idle.holding).toBe(false);
    expect(idle.take()).toBeUndefined();
  });
});
