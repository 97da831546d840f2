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
// rounded up to a whole block and the file cut to its size afterwards. The memory: Node does not say
// where a buffer lies, so `allocate` over-allocates by one block and finds the aligned start by
// trying a one-block direct write from successive offsets (refused ones fail at once, EINVAL, before
// any I/O). Where O_DIRECT is not taken (tmpfs on older kernels, some network file systems), or no
// aligned start is found, the file is written as before, through the page cache: same bytes, slower.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** The largest block size direct I/O may ask for (4 KiB sectors); multiples of it suit every smaller one. */
export const DIRECT_IO_BLOCK = 4096;
/** Buffers from the allocator start on a 16-byte boundary (glibc); the aligned start is one of these. */
const ALLOCATION_STEP = 16;

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
/** Linux's flag; Node leaves it out of `constants` elsewhere (macOS has no O_DIRECT). */
const O_DIRECT = (constants as { O_DIRECT?: number }).O_DIRECT;

export class UploadFile {
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
   * A buffer of `size` bytes (a multiple of DIRECT_IO_BLOCK) in shared memory (the inspection's
   * thread reads it in place) that this file can be written from. Call before the first write: the
   * search for the aligned start writes at the file's offset 0.
   */
  async allocate(size: number): Promise<Buffer> {
    const memory = new SharedArrayBuffer(size + DIRECT_IO_BLOCK);
    if (this.direct) {
      for (let offset = 0; offset < DIRECT_IO_BLOCK; offset += ALLOCATION_STEP) {
        const candidate = Buffer.from(memory, offset, size);
        if (await this.tryDirect(candidate.subarray(0, DIRECT_IO_BLOCK), 0)) return candidate;
      }
      // No start was accepted: this file system wants more than the block, or no direct I/O after all.
      await this.useBuffered();
    }
    return Buffer.from(memory, 0, size);
  }

  /** Writes all of `chunk` at `position` (a multiple of DIRECT_IO_BLOCK unless it is the last chunk). */
  async write(chunk: Buffer, position: number): Promise<void> {
    if (this.direct) {
      // The last chunk is rounded up to a whole block (the bytes after it are cut off in `finish`).
      const rounded = Math.ceil(chunk.length / DIRECT_IO_BLOCK) * DIRECT_IO_BLOCK;
      const whole = Buffer.from(chunk.buffer, chunk.byteOffset, rounded);
      if (rounded <= chunk.buffer.byteLength - chunk.byteOffset && (await this.tryDirect(whole, position))) return;
      await this.useBuffered();
    }
    await writeAll(this.fh, chunk, position);
  }

  /**
   * Cuts the file to `size` bytes (a direct write's last block is whole, and the alignment search
   * wrote a block at offset 0 that a short file does not overwrite) and makes it durable.
   */
  async finish(size: number): Promise<void> {
    await this.fh.truncate(size);
    await this.fh.sync();
  }

  async close(): Promise<void> {
    await this.fh.close();
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
