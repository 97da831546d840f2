import { createHash } from 'node:crypto';
import { chmodSync, closeSync, constants, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { tempDir } from '@phdmf/testing';
import { FileStore, hashFile, IO_CHUNK_BYTES } from './file-store';

/** Whether the file system under `dir` takes O_DIRECT (where it does, the store must use it). */
function takesDirectIo(dir: string): boolean {
  const probe = path.join(dir, 'o-direct-probe');
  try {
    closeSync(openSync(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT));
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { force: true });
  }
}

describe.each([
  ['direct I/O where the file system takes it', true],
  ['through the page cache', false],
])('FileStore, writing %s', (_, directIo) => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FileStore;

  beforeEach(async () => {
    tmp = tempDir('phdmf-file-store-');
    store = new FileStore(tmp.dir, { directIo });
    await store.open();
  });

  afterEach(() => {
    tmp.remove();
  });

  function source(total: number, piece = 65_536): Readable {
    let sent = 0;
    return new Readable({
      read() {
        if (sent >= total) {
          this.push(null);
          return;
        }
        const n = Math.min(piece, total - sent);
        this.push(Buffer.alloc(n, sent % 251));
        sent += n;
      },
    });
  }

  it('hashes while streaming, hands ≥ 1 MiB blocks to the inspector, and stores under the hash, read-only', async () => {
    const sizes: number[] = [];
    const expected = createHash('sha256');
    const total = 2 * IO_CHUNK_BYTES + 12_345;
    const staged = await store.stage(source(total), {
      limitBytes: total,
      inspect: (chunk) => {
        sizes.push(chunk.length);
        expected.update(chunk);
      },
    });
    expect(sizes.slice(0, -1).every((n) => n === IO_CHUNK_BYTES)).toBe(true);
    expect(staged.sha256).toBe(expected.digest('hex'));
    const target = await store.commit(staged);
    expect(target).toBe(store.pathOf(staged.sha256));
    expect(statSync(target).size).toBe(total);
    expect(statSync(target).mode & 0o777).toBe(0o400);
    expect(await hashFile(target)).toEqual({ sha256: staged.sha256, bytes: total });
    expect(readdirSync(store.tmpDir)).toEqual([]);
  });

  it('stores every byte and nothing more, whatever the size against the disk blocks, the chunks and the background flushes', async () => {
    const expectDirect = directIo && takesDirectIo(store.tmpDir);
    // The last size passes two background flushes (every 32 MiB) that run while later chunks are written.
    for (const total of [1, 511, 4095, 4096, 4097, IO_CHUNK_BYTES - 1, IO_CHUNK_BYTES, IO_CHUNK_BYTES + 1, 2 * IO_CHUNK_BYTES + 12_345, 17 * IO_CHUNK_BYTES + 777]) {
      const bytes = createHash('sha512').update(String(total)).digest();
      const content = Buffer.alloc(total, 0);
      for (let i = 0; i < total; i++) content[i] = (bytes[i % 64] as number) ^ (i >>> 8);
      const staged = await store.stage(Readable.from([content.subarray(0, 3), content.subarray(3)]), { limitBytes: total });
      expect(staged.directIo).toBe(expectDirect);
      expect(staged.sizeBytes).toBe(total);
      expect(readFileSync(staged.tempPath).equals(content)).toBe(true);
      expect(staged.sha256).toBe(createHash('sha256').update(content).digest('hex'));
      await store.discard(staged);
    }
  });

  it('stores the upload when the process has no address space for a WebAssembly memory (ulimit -v)', async () => {
    // The WebAssembly global, which the project's `lib` setting does not declare.
    const wasm = (globalThis as unknown as { WebAssembly: { Memory: (descriptor: object) => unknown } }).WebAssembly;
    const memory = jest.spyOn(wasm, 'Memory').mockImplementation(() => {
      throw new RangeError('WebAssembly.Memory(): could not allocate memory');
    });
    try {
      const total = 3 * IO_CHUNK_BYTES + 4097;
      const content = Buffer.alloc(total);
      for (let i = 0; i < total; i++) content[i] = (i * 31) >>> 3;
      const staged = await store.stage(Readable.from([content.subarray(0, 5), content.subarray(5)]), { limitBytes: total });
      expect(memory).toHaveBeenCalled();
      expect(readFileSync(staged.tempPath).equals(content)).toBe(true);
      expect(staged.sha256).toBe(createHash('sha256').update(content).digest('hex'));
      await store.discard(staged);
    } finally {
      memory.mockRestore();
    }
  });

  it('fails the upload when a background flush failed, although the final fsync would succeed', async () => {
    // Linux reports a write-back error to one fsync only: the one that failed in the background must be
    // remembered, or the final fsync answers success for bytes that may not be on the disk.
    const probe = await open(path.join(tmp.dir, 'probe'), 'w');
    const fileHandle = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const datasync = jest.spyOn(fileHandle, 'datasync').mockRejectedValueOnce(eio);
    try {
      await expect(store.stage(source(9 * IO_CHUNK_BYTES), { limitBytes: 9 * IO_CHUNK_BYTES })).rejects.toBe(eio);
      expect(datasync).toHaveBeenCalled();
    } finally {
      datasync.mockRestore();
    }
    expect(readdirSync(store.tmpDir)).toEqual([]);
  });

  it('leaves no temporary file when the upload is too large or refused by the inspector', async () => {
    await expect(store.stage(source(1000), { limitBytes: 999 })).rejects.toMatchObject({ code: 'STORAGE.TOO_LARGE' });
    await expect(
      store.stage(source(10), {
        limitBytes: 100,
        inspect: () => {
          throw new Error('refused');
        },
      }),
    ).rejects.toThrow('refused');
    expect(readdirSync(store.tmpDir)).toEqual([]);
    expect(readdirSync(store.objectsDir)).toEqual([]);
  });

  it('lets an inspector that answers later (another thread) keep each chunk until it settles, and stops on its refusal', async () => {
    // Every byte differs from its neighbours' chunks: a chunk overwritten before its inspector settled would hash differently.
    const total = 5 * IO_CHUNK_BYTES + 999;
    const random = Readable.from((function* () {
      for (let sent = 0; sent < total; sent += 65_536) yield createHash('sha512').update(String(sent)).digest().subarray(0, Math.min(64, total - sent)).toString('hex').padEnd(Math.min(65_536, total - sent), String(sent % 10));
    })());
    const seen = createHash('sha256');
    const settled: string[] = [];
    const staged = await store.stage(random, {
      limitBytes: total,
      inspect: async (chunk) => {
        const before = createHash('sha256').update(chunk).digest('hex');
        await new Promise((resolve) => setTimeout(resolve, 20));
        const after = createHash('sha256').update(chunk).digest('hex');
        settled.push(before === after ? 'intact' : 'overwritten');
        seen.update(chunk);
      },
    });
    expect(settled).toEqual(Array.from({ length: 6 }, () => 'intact'));
    expect(staged.sha256).toBe(seen.digest('hex'));
    expect(await hashFile(staged.tempPath)).toEqual({ sha256: staged.sha256, bytes: total });

    let calls = 0;
    await expect(
      store.stage(source(4 * IO_CHUNK_BYTES), {
        limitBytes: 4 * IO_CHUNK_BYTES,
        inspect: async () => {
          calls++;
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new Error('refused later');
        },
      }),
    ).rejects.toThrow('refused later');
    // The refusal of the first chunk stops the upload at the second: the rest is never read.
    expect(calls).toBeLessThanOrEqual(2);
    await store.discard(staged);
    expect(readdirSync(store.tmpDir)).toEqual([]);
    expect(readdirSync(store.objectsDir)).toEqual([]);
  });

  it('reuses a finished upload\'s buffers (zeroed past the last chunk\'s end up to its disk block), never a failed one\'s', async () => {
    // Bytes that are never 0, so that zeros past a chunk's end are the store's.
    const ones = (total: number) => Readable.from([Buffer.alloc(total, 0xa5)]);
    const memories = async (total: number, refuse = false): Promise<{ memory: SharedArrayBuffer[]; last: Buffer | undefined; failed: boolean }> => {
      const memory: SharedArrayBuffer[] = [];
      let last: Buffer | undefined;
      let failed = false;
      await store
        .stage(ones(total), {
          limitBytes: total,
          inspect: (chunk) => {
            memory.push(chunk.buffer as SharedArrayBuffer);
            last = chunk;
            if (refuse && memory.length === 2) throw new Error('refused');
          },
        })
        .then(
          (staged) => store.discard(staged),
          () => {
            failed = true;
          },
        );
      return { memory, last, failed };
    };
    const first = await memories(2 * IO_CHUNK_BYTES);
    const second = await memories(IO_CHUNK_BYTES + 5000);
    // The same memory (identity, not equal contents).
    expect(second.memory.length).toBe(2);
    expect(second.memory.every((m) => first.memory.includes(m))).toBe(true);
    // The short last chunk was written up to its 4 KiB block: zeros there, not the first upload's bytes.
    const last = second.last as Buffer;
    if (directIo && takesDirectIo(store.tmpDir)) expect(Buffer.from(last.buffer, last.byteOffset + 5000, 8192 - 5000).every((b) => b === 0)).toBe(true);
    const refused = await memories(3 * IO_CHUNK_BYTES, true);
    expect(refused.failed).toBe(true);
    const after = await memories(2 * IO_CHUNK_BYTES);
    expect(after.memory.some((m) => refused.memory.includes(m))).toBe(false);
  });

  it('sweeps partial uploads left by a killed process, and heals a tampered object on re-upload', async () => {
    writeFileSync(path.join(store.tmpDir, 'dead.part'), 'partial');
    expect(await new FileStore(tmp.dir).open()).toEqual(['dead.part']);
    const staged = await store.stage(Readable.from([Buffer.from('a,b\n1,2\n')]), { limitBytes: 100 });
    const target = await store.commit(staged);
    // Someone rewrites the object; a new upload of the genuine bytes replaces it.
    chmodSync(target, 0o600);
    writeFileSync(target, 'a,b\n6,6\n');
    const again = await store.stage(Readable.from([Buffer.from('a,b\n1,2\n')]), { limitBytes: 100 });
    await store.commit(again);
    expect(readFileSync(target, 'utf8')).toBe('a,b\n1,2\n');
    await store.remove(staged.sha256);
    expect(existsSync(target)).toBe(false);
  });
});
