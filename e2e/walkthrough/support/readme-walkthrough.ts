// The README's walkthrough, as written: its ```bash blocks, run in order in ONE bash process — as a
// reader pastes them into one terminal, each block using what the ones before it set. The test only
// points the shell at its own system, through the variables the README itself reads (PHDMF,
// PHDMF_DATA_DIR, SITE_NORTH…), and adds strict mode, so that any failing command fails its step.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Block {
  /** The step number of its first line (`# 4. Upload …` → 4). */
  step: number;
  title: string;
  code: string;
}

/** The ```bash blocks of the README's `## Walkthrough` section, in order. */
export function walkthroughBlocks(readmePath: string): Block[] {
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf('\n## Walkthrough\n');
  if (start < 0) throw new Error('README.md has no "## Walkthrough" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => {
    const code = m[1] ?? '';
    const first = /^# (\d+)\. (.*)$/m.exec(code);
    if (!first?.[1] || first[2] === undefined) throw new Error(`a walkthrough block does not start with "# <n>. <title>":\n${code}`);
    return { step: Number(first[1]), title: first[2], code };
  });
}

export interface StepOutcome {
  ok: boolean;
  output: string;
  /** Set when the shell ended (a command failed under `set -e`). */
  exitCode?: number | null;
}

/** One bash process that runs blocks one after the other, keeping its variables and functions. */
export class BashSession {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly dir: string;
  private buffer = '';
  /** The shell's exit code once it has ended (`null`: ended by a signal); absent while it runs. */
  private exit: { code: number | null } | undefined;
  private waiting?: () => void;
  private counter = 0;

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'phdmf-walkthrough-'));
    this.proc = spawn('bash', ['--noprofile', '--norc'], { cwd, env });
    const collect = (d: Buffer) => {
      this.buffer += d.toString();
      this.waiting?.();
    };
    this.proc.stdout.on('data', collect);
    this.proc.stderr.on('data', collect);
    this.proc.on('exit', (code) => {
      this.exit = { code };
      this.waiting?.();
    });
    // Strict mode, as a script would use it: any failing command or pipeline stage ends the shell;
    // the trap names the command.
    this.proc.stdin.write(`set -Eeuo pipefail\nshopt -s inherit_errexit\ntrap 'echo "FAILED (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR\n`);
  }

  /** Runs one block (from a file, with stdin closed, so that no command can read the rest of the script). */
  async run(code: string, timeoutMs: number): Promise<StepOutcome> {
    const n = ++this.counter;
    const file = path.join(this.dir, `step-${n}.sh`);
    writeFileSync(file, code);
    const marker = `__STEP_${n}_DONE__`;
    const from = this.buffer.length;
    if (this.exit) return { ok: false, output: '(the shell had ended before this step)', exitCode: this.exit.code };
    this.proc.stdin.write(`source ${JSON.stringify(file)} < /dev/null\necho ${marker}\n`);
    const deadline = Date.now() + timeoutMs;
    while (!this.buffer.includes(marker, from) && !this.ended()) {
      const left = deadline - Date.now();
      if (left <= 0) return { ok: false, output: `${this.buffer.slice(from)}\n(timed out after ${timeoutMs} ms)` };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1_000));
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = undefined;
    }
    const output = this.buffer.slice(from).replace(`${marker}\n`, '');
    const exit = this.exitOf();
    return exit ? { ok: false, output, exitCode: exit.code } : { ok: true, output };
  }

  /** Read through a method: the shell may have ended during any await above. */
  private exitOf(): { code: number | null } | undefined {
    return this.exit;
  }

  private ended(): boolean {
    return this.exitOf() !== undefined;
  }

  close(): void {
    if (!this.exit) this.proc.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
