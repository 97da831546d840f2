// An upload's temporary file, written with O_DIRECT where the file system takes it.
//
// Why: a buffered write goes through the page cache, and the fsync that makes the upload durable
// then writes it all out. On ext4 on a virtual disk (this project's machines) 200 MiB cost 0.42–0.68 s
// that way (`dd conv=fsync`) and 0.12–0.19 s written directly from the buffers (`dd oflag=direct`);
// uploads went from 184–197 to 300–306 MiB/s (bench/README.md, bench/storage). The bytes are read
// back rarely (summaries, audits), so the page cache loses little.
//
// Direct I/O asks that the memory, the length and the file offset be multiples of the device's
// block size. Chunks are IO_CHUNK_BYTES long at multiples of it; the last, shorter one is written
// rounded up to a whole block and the file cut to its size afterwards. The memory must start on a
// page, not only on a block: a virtio disk takes memory aligned to its 512-byte sectors, but copies it
// through a bounce buffer unless it is page-aligned — 56 ms per 4 MiB instead of 2.5 ms on this
// project's machines. Node does not say where a buffer lies; a WebAssembly memory, though, is always
// whole pages of its own (V8 maps it with guard pages around it), and a shared one is a
// SharedArrayBuffer the inspection's thread can read in place. Where O_DIRECT is not taken (tmpfs on
// older kernels, some network file systems) or a direct write is refused, the file is written as
// before, through the page cache: same bytes, slower.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** The largest block size direct I/O may ask for (4 KiB sectors); multiples of it suit every smaller one. */
export const DIRECT_IO_BLOCK = 4096;
/** A WebAssembly memory grows in pages of 64 KiB. */
const WASM_PAGE = 64 * 1024;
/**
 * Written bytes after which a flush to the disk starts in the background. The final fsync otherwise
 * finds the whole file in the disk's write cache: ~120 ms per 200 MiB spent after the last byte, with
 * nothing left to overlap it; flushed as it goes, the fsync takes a few milliseconds.
 */
const FLUSH_EVERY_BYTES = 32 * 1024 * 1024;
/** The one part of the WebAssembly global used here (the project's `lib` setting declares none of it). */
declare const WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => { buffer: SharedArrayBuffer } };

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
/** Linux's flag; Node leaves it out of `constants` elsewhere (macOS has no O_DIRECT). */
const O_DIRECT = (constants as { O_DIRECT?: number }).O_DIRECT;

export class UploadFile {
  /** Bytes written since the last background flush started. */
  private unflushed = 0;
  /** The background flush under way, if any (one at a time); it never rejects. */
  private flushing: Promise<void> | undefined;
  /**
   * The first background flush that failed. Kept, not only logged: once a flush has reported a
   * write-back error, Linux does not report it again to the final fsync, which would then succeed.
   */
  private flushFailure: Error | undefined;

  private constructor(
    readonly path: string,
    private fh: FileHandle,
    private direct: boolean,
  ) {}

  /**
   * Creates the file (it must not exist; mode 0600), directly written if `direct` and the file
   * system allows it.
   */
  static async create(path: string, direct: boolean): Promise<UploadFile> {
    if (direct && O_DIRECT !== undefined) {
      try {
        return new UploadFile(path, await open(path, CREATE | O_DIRECT, 0o600), true);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
      }
    }
    return new UploadFile(path, await open(path, CREATE, 0o600), false);
  }

  /** Whether the bytes go to the disk directly (false: through the page cache). */
  get directIo(): boolean {
    return this.direct;
  }

  /**
   * A buffer of `size` bytes (a multiple of 64 KiB) in shared memory (the inspection's thread reads
   * it in place) that starts on a page, so that it can be written directly.
   */
  static allocate(size: number): Buffer {
    if (size % WASM_PAGE !== 0) throw new RangeError(`an upload buffer is a multiple of ${WASM_PAGE} bytes, not ${size}`);
    const pages = size / WASM_PAGE;
    try {
      return Buffer.from(new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }).buffer);
    } catch {
      // V8 reserves ~10 GiB of address space per WebAssembly memory (for its guard pages), which a
      // process under `ulimit -v` may not have: plain shared memory then, written directly where its
      // start happens to suit the disk, else through the page cache (`write`).
      return Buffer.from(new SharedArrayBuffer(size));
    }
  }

  /** Writes all of `chunk` at `position` (a multiple of DIRECT_IO_BLOCK unless it is the last chunk). */
  async write(chunk: Buffer, position: number): Promise<void> {
    await this.writeChunk(chunk, position);
    this.unflushed += chunk.length;
    if (this.unflushed >= FLUSH_EVERY_BYTES && this.flushing === undefined) {
      this.unflushed = 0;
      const flush = this.fh
        .datasync()
        .catch((error: unknown) => {
          this.flushFailure ??= error instanceof Error ? error : new Error(String(error));
        })
        .finally(() => {
          if (this.flushing === flush) this.flushing = undefined;
        });
      this.flushing = flush;
    }
  }

  /**
   * Cuts the file to `size` bytes (a direct write's last block is whole) and makes it durable; fails
   * if a background flush failed.
   */
  async finish(size: number): Promise<void> {
    await this.flushing;
    if (this.flushFailure !== undefined) throw this.flushFailure;
    await this.fh.truncate(size);
    await this.fh.sync();
  }

  /** Closes the file once a background flush is over. */
  async close(): Promise<void> {
    await this.flushing;
    await this.fh.close();
  }

  private async writeChunk(chunk: Buffer, position: number): Promise<void> {
    if (this.direct) {
      // The last chunk is rounded up to a whole block (the bytes after it are cut off in `finish`).
      const rounded = Math.ceil(chunk.length / DIRECT_IO_BLOCK) * DIRECT_IO_BLOCK;
      if (rounded <= chunk.buffer.byteLength - chunk.byteOffset) {
        const whole = Buffer.from(chunk.buffer, chunk.byteOffset, rounded);
        // Zeros, not what a reused buffer held before (another upload's bytes), up to the block's end.
        whole.fill(0, chunk.length);
        if (await this.tryDirect(whole, position)) return;
      }
      await this.useBuffered();
    }
    await writeAll(this.fh, chunk, position);
  }

  /** A direct write of all of `chunk`; false if the kernel refused its alignment (EINVAL). */
  private async tryDirect(chunk: Buffer, position: number): Promise<boolean> {
    try {
      await writeAll(this.fh, chunk, position);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EINVAL') return false;
      throw error;
    }
  }

  /** From here on through the page cache (the file keeps what was written; later writes overwrite). */
  private async useBuffered(): Promise<void> {
    const buffered = await open(this.path, constants.O_WRONLY);
    await this.flushing;
    await this.fh.close();
    this.fh = buffered;
    this.direct = false;
  }
}

async function writeAll(fh: FileHandle, chunk: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset, position + offset);
    offset += bytesWritten;
  }
}
