// Content-addressed file storage that loses nothing.
//
//   upload ──> tmp/<uuid>.part (O_EXCL, 0600) ── hash + inspect while writing, in ≥1 MiB writes (double-buffered,
//              O_DIRECT where the file system takes it: upload-file.ts)
//          ──> fsync(file) ──> rename to objects/<aa>/<sha256> ──> fsync(directory)
//
// A failed upload deletes its temporary file before the error is answered. A process killed
// mid-upload leaves only a tmp/*.part file, which is not a dataset (no database row points at it)
// and which the next start sweeps away. A file is visible under its hash only once its bytes are on
// disk, so a database row never points at a partial file.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { PhdmfError, StorageErrorCode } from '@phdmf/contracts';
import { UploadTooLargeError } from '../../domain/storage-errors';
import { UploadFile } from './upload-file';

/** Bytes handed to the hash, the inspector and the disk at once (the issue asks for ≥ 1 MiB). */
export const IO_CHUNK_BYTES = 4 * 1024 * 1024;
/** Upload buffers kept for the next upload: one upload's two (8 MiB). */
const SPARE_BUFFERS = 2;

export interface IngestOptions {
  limitBytes: number;
  /**
   * Sees every byte in order, in chunks of IO_CHUNK_BYTES (the last may be shorter), in shared memory;
   * throws or rejects to refuse. The chunk's memory is reused once the promise it returns settles.
   */
  inspect?: (chunk: Buffer) => void | Promise<void>;
}

/** A fully written, fsynced upload that is not yet under its hash. */
export interface StagedFile {
  tempPath: string;
  sha256: string;
  sizeBytes: number;
  /** Whether it was written with O_DIRECT (false: through the page cache). */
  directIo: boolean;
}

export interface FileStoreOptions {
  /** Write uploads with O_DIRECT where the file system takes it (default true; see upload-file.ts). */
  directIo?: boolean;
}

export class FileStore {
  readonly objectsDir: string;
  readonly tmpDir: string;

  private readonly directIo: boolean;
  /**
   * Upload buffers a finished upload gave back. A fresh one is new memory that the first copy into it
   * faults in page by page: ~2,000 faults per upload, 20-30 ms of the event loop's time on this
   * project's virtual machines (bench/README.md, bench/storage).
   */
  private readonly spareBuffers: Buffer[] = [];

  constructor(
    readonly rootDir: string,
    options: FileStoreOptions = {},
  ) {
    this.directIo = options.directIo ?? true;
    this.objectsDir = path.join(rootDir, 'objects');
    this.tmpDir = path.join(rootDir, 'tmp');
  }

  /** Creates the directories and removes what a killed process left in tmp/. Returns what was removed. */
  async open(): Promise<string[]> {
    await mkdir(this.objectsDir, { recursive: true, mode: 0o700 });
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    const leftovers = (await readdir(this.tmpDir)).filter((f) => f.endsWith('.part'));
    await Promise.all(leftovers.map((f) => rm(path.join(this.tmpDir, f), { force: true })));
    return leftovers;
  }

  pathOf(sha256: string): string {
    return path.join(this.objectsDir, sha256.slice(0, 2), sha256);
  }

  /**
   * Streams `source` to a temporary file, hashing and inspecting it on the way, and fsyncs it.
   * On any failure (too large, refused by `inspect`, source error) the temporary file is gone
   * before the promise rejects.
   */
  async stage(source: AsyncIterable<Buffer | string> | Readable, options: IngestOptions): Promise<StagedFile> {
    const tempPath = path.join(this.tmpDir, `${randomUUID()}.part`);
    const file = await UploadFile.create(tempPath, this.directIo);
    const hash = createHash('sha256');
    let size = 0;
    let written = 0;
    let closed = false;
    let inFlight: Promise<unknown> = Promise.resolve();
    try {
      // Socket chunks are small (16-64 KiB); they are gathered into large buffers so that the hash,
      // the inspector and write(2) each work on ≥ 1 MiB at a time. Two of them, in shared memory: while
      // one is written and inspected (in the inspector's thread), the next fills from the socket.
      const buffers = [this.takeBuffer(), this.takeBuffer()];
      let pending = buffers[0] as Buffer;
      let filled = 0;
      const flush = async () => {
        if (filled === 0) return;
        const chunk = pending.subarray(0, filled);
        // To the inspection's thread first, then hashed here: the thread starts on the chunk while this one
        // hashes it (~2.7 ms per 4 MiB) instead of after.
        const inspected = Promise.resolve(options.inspect?.(chunk));
        // Observed now, awaited below: a refusal that comes while the previous write runs is not "unhandled".
        inspected.catch(() => undefined);
        hash.update(chunk);
        // One write at a time, in order; the other buffer is free again once its write and inspection are done.
        await inFlight;
        inFlight = Promise.all([file.write(chunk, written), inspected]);
        written += chunk.length;
        pending = pending === buffers[0] ? (buffers[1] as Buffer) : (buffers[0] as Buffer);
        filled = 0;
      };
      for await (const piece of source as AsyncIterable<Buffer | string>) {
        const buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
        size += buf.length;
        if (size > options.limitBytes) throw new UploadTooLargeError(options.limitBytes);
        let offset = 0;
        while (offset < buf.length) {
          const n = Math.min(buf.length - offset, IO_CHUNK_BYTES - filled);
          // Not `buf.copy`: into shared memory that is V8's relaxed memmove, byte by byte where the two
          // sides are not aligned alike — and a request body's bytes, which start after the headers,
          // never are (78 ms per 256 MiB). `fill` with a value exactly as long as the range is one
          // memcpy in Node's C++ (12–16 ms).
          pending.fill(buf.subarray(offset, offset + n), filled, filled + n);
          filled += n;
          offset += n;
          if (filled === IO_CHUNK_BYTES) await flush();
        }
      }
      await flush();
      await inFlight;
      await file.finish(size);
      await file.close();
      closed = true;
      // Every write and inspection of them has succeeded (each awaited in turn). A failed upload's
      // buffers are left to the garbage collector instead: a write or an inspection of them may still run.
      for (const buffer of buffers) this.giveBackBuffer(buffer);
      return { tempPath, sha256: hash.digest('hex'), sizeBytes: size, directIo: file.directIo };
    } catch (error) {
      // No write may still be running on the handle when it is closed and the file removed.
      await inFlight.catch(() => undefined);
      if (!closed) await file.close().catch(() => undefined);
      await rm(tempPath, { force: true });
      throw error;
    }
  }

  private takeBuffer(): Buffer {
    return this.spareBuffers.pop() ?? UploadFile.allocate(IO_CHUNK_BYTES);
  }

  private giveBackBuffer(buffer: Buffer): void {
    if (this.spareBuffers.length < SPARE_BUFFERS) this.spareBuffers.push(buffer);
  }

  /**
   * Moves a staged file under its hash. If a file with that hash exists it is replaced: the new
   * bytes are known to have that hash, the old ones may not (a tampered file is healed this way).
   */
  async commit(staged: StagedFile): Promise<string> {
    const target = this.pathOf(staged.sha256);
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(staged.tempPath, 0o400);
    await rename(staged.tempPath, target);
    await fsyncDirectory(dir);
    return target;
  }

  /** Discards a staged file that will not be committed. */
  async discard(staged: StagedFile): Promise<void> {
    await rm(staged.tempPath, { force: true });
  }

  /** Removes a stored object (when no version refers to it any more). */
  async remove(sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    await unlink(target).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
    await fsyncDirectory(path.dirname(target)).catch(() => undefined);
  }

  async exists(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(
      () => true,
      () => false,
    );
  }

  /** Re-hashes a stored object, reading it in IO_CHUNK_BYTES blocks into one reused buffer. */
  async hashObject(sha256: string): Promise<{ sha256: string; bytes: number }> {
    return hashFile(this.pathOf(sha256));
  }

  read(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256), { highWaterMark: IO_CHUNK_BYTES });
  }
}

/**
 * SHA-256 of a file, read in IO_CHUNK_BYTES blocks into two reused buffers: the next block is read
 * (in libuv's thread pool) while the current one is hashed (on this thread), so the time is the
 * slower of reading and hashing rather than their sum.
 */
export async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const fh = await open(file, 'r');
  try {
    const hash = createHash('sha256');
    let current = Buffer.allocUnsafe(IO_CHUNK_BYTES);
    let spare = Buffer.allocUnsafe(IO_CHUNK_BYTES);
    let bytes = 0;
    let reading = fh.read(current, 0, IO_CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) break;
      const buffer = current;
      [current, spare] = [spare, current];
      // Reads at the current offset (position null) are issued one at a time, so order holds.
      reading = fh.read(current, 0, IO_CHUNK_BYTES, null);
      hash.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { sha256: hash.digest('hex'), bytes };
  } finally {
    await fh.close();
  }
}

/** Makes a rename durable: the directory entry is on disk once its directory is fsynced. */
async function fsyncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Wraps a file-system failure in a coded error (disk full, permissions) without losing its cause. */
export function ioFailure(error: unknown): PhdmfError {
  if (error instanceof PhdmfError) return error;
  const e = error as NodeJS.ErrnoException;
  // The client went away (or sent less than it announced): nothing was stored, nobody is waiting.
  if (e.code === 'ECONNRESET' || e.code === 'ERR_STREAM_PREMATURE_CLOSE' || e.message === 'aborted') {
    return new PhdmfError(StorageErrorCode.UPLOAD_ABORTED, 'the upload was cut off before its end; nothing was stored');
  }
  // The errno code only: the error's own message names the path on this server.
  return new PhdmfError(StorageErrorCode.IO_FAILED, 'storage I/O failed', { errno: e.code ?? null });
}
