// The benches' child processes: built entry points run by node, stopped when a bench ends, and the
// CPU they used read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** How much of a child's output is kept for the message of a failed bench: its last lines, not all of a long run's. */
const OUTPUT_TAIL_CHARS = 20_000;

/** A child process running a built script, and the tail of what it wrote to stdout and stderr. */
export interface NodeChild {
  process: ChildProcess;
  output: () => string;
}

/** Runs `script` (a built .js file) with this node, `nodeArgs` before it, in `cwd` (default: this process's). */
export function runNode(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = [], cwd?: string): NodeChild {
  const child = spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd !== undefined ? { cwd } : {}) });
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { process: child, output: () => output };
}

/**
 * Runs `script` to its end and fails unless it exits with 0. Its output goes to this process's
 * (`inherit`), or is kept for the error (`capture`).
 */
export async function runNodeToEnd(script: string, env: NodeJS.ProcessEnv, output: 'inherit' | 'capture', what: string, cwd?: string): Promise<void> {
  const child =
    output === 'inherit'
      ? { process: spawn(process.execPath, [script], { env, stdio: 'inherit', ...(cwd !== undefined ? { cwd } : {}) }), output: () => '' }
      : runNode(script, env, [], cwd);
  // 'close', not 'exit': by then all its output has been read.
  const code = await new Promise<number | null>((resolve) => child.process.on('close', resolve));
  if (code !== 0) throw new Error(`${what} failed (${String(code)})${child.output() === '' ? '' : `:\n${child.output()}`}`);
}

/**
 * Stops a child with SIGTERM (so that it shuts down as it would in a deployment) and waits for it;
 * one that is still running after `graceMs` gets SIGKILL, so that a bench never hangs on its way out.
 */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<'exited'>((resolve) => {
    child.once('exit', () => {
      resolve('exited');
    });
  });
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => {
      resolve('still running');
    }, graceMs);
  });
  if ((await Promise.race([exited, graceOver])) === 'still running') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/**
 * The fields of /proc/<pid>/stat (or of one thread's) after the command's closing parenthesis, so that
 * fields[0] is the state and fields[k] is proc_pid_stat(5)'s field k + 3; undefined where there is no /proc.
 */
function statFields(pid: number | undefined, thread?: number): string[] | undefined {
  try {
    const stat = readFileSync(thread === undefined ? `/proc/${String(pid)}/stat` : `/proc/${String(pid)}/task/${String(thread)}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) used by a process, or by one of its threads, from /proc (Linux); NaN elsewhere. */
export function cpuSeconds(pid: number | undefined, thread?: number): number {
  const fields = statFields(pid, thread);
  return fields === undefined ? Number.NaN : (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
}

/** Minor page faults of a process so far (all its threads; Linux; NaN elsewhere): memory it touched for the first time, or again after it was given back. */
export function minorFaults(pid: number | undefined): number {
  const fields = statFields(pid);
  return fields === undefined ? Number.NaN : Number(fields[7]); // minflt
}

/** The pid of the nats-server listening on `port` (found in /proc, Linux); undefined elsewhere. */
export function natsServerPid(port: number): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('nats-server') === true && argv.includes(String(port))) return Number(entry);
    }
  } catch {
    // not Linux, or the process went away
  }
  return undefined;
}
