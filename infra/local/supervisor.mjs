// Runs and watches the processes of the one-machine system. A process that dies while the system
// runs (not while it stops) is started again after a short, growing delay, with a line on the
// console — so killing any one service leaves a gap of a second or two, not a hole: events wait in
// JetStream, files and databases are on disk, and the restarted process picks up where it stopped.
// A process that keeps dying right after start is not restarted forever: the supervisor gives up
// on it and says so (a configuration error does not fix itself).
//
// Children run in their own process group: Ctrl-C in the terminal reaches only the supervisor,
// which then stops them in order (the edge and the sites, then the services, the ledger, NATS last)
// instead of all at once.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000];
/** A run shorter than this counts as a failed start. */
const STABLE_AFTER_MS = 15_000;
/** Consecutive failed starts after which the supervisor gives up on a process. */
const MAX_FAILED_STARTS = 5;
/** How long a process has to stop after SIGTERM before it gets SIGKILL. */
const STOP_GRACE_MS = 10_000;

export class Supervisor {
  /**
   * @param {{ root: string, dataDir: string, say: (line: string) => void, warn: (line: string) => void, onGiveUp: (name: string) => void }} options
   */
  constructor(options) {
    this.options = options;
    /** @type {Map<string, { spec: object, child: import('node:child_process').ChildProcess | null, startedAt: number, failedStarts: number, restarts: number, timer: NodeJS.Timeout | null }>} */
    this.processes = new Map();
    this.stopping = false;
    this.stopped = false;
    this.logDir = path.join(options.dataDir, 'logs');
    this.pidsFile = path.join(options.dataDir, 'pids.json');
    // Last resort: whatever ends the supervisor, its children do not outlive it.
    process.on('exit', () => {
      for (const p of this.processes.values()) {
        if (p.child && p.child.exitCode === null && p.child.signalCode === null) {
          try {
            process.kill(-p.child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    });
  }

  /** Starts a supervised process: `{ name, cmd, argv, env, stage }` (stage orders the shutdown). */
  start(spec) {
    const entry = { spec, child: null, startedAt: 0, failedStarts: 0, restarts: 0, timer: null };
    this.processes.set(spec.name, entry);
    this.launch(entry);
    return entry.child;
  }

  pid(name) {
    return this.processes.get(name)?.child?.pid;
  }

  names() {
    return [...this.processes.keys()];
  }

  logFile(name) {
    return path.join(this.logDir, `${name}.log`);
  }

  launch(entry) {
    const { name, cmd, argv, env } = entry.spec;
    mkdirSync(this.logDir, { recursive: true });
    const out = openSync(this.logFile(name), 'a');
    const child = spawn(cmd, argv, { cwd: this.options.root, env, stdio: ['ignore', out, out], detached: true });
    closeSync(out);
    entry.child = child;
    entry.startedAt = Date.now();
    child.once('exit', (code, signal) => this.exited(entry, child, code, signal));
    child.once('error', (error) => this.options.warn(`${name} could not be started: ${error.message}`));
    this.writePids();
  }

  exited(entry, child, code, signal) {
    if (entry.child !== child) return;
    entry.child = null;
    this.writePids();
    if (this.stopping) return;
    const { name } = entry.spec;
    const ranMs = Date.now() - entry.startedAt;
    entry.failedStarts = ranMs < STABLE_AFTER_MS ? entry.failedStarts + 1 : 1;
    if (entry.failedStarts > MAX_FAILED_STARTS) {
      this.options.warn(`${name} exited (${signal ?? `code ${code}`}) ${MAX_FAILED_STARTS} times in a row right after starting; giving up. See ${this.logFile(name)}`);
      this.options.onGiveUp(name);
      return;
    }
    const delay = BACKOFF_MS[Math.min(entry.failedStarts - 1, BACKOFF_MS.length - 1)];
    this.options.warn(`${name} exited (${signal ?? `code ${code}`}) after ${(ranMs / 1000).toFixed(1)} s; restarting it in ${delay} ms (see ${this.logFile(name)})`);
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (this.stopping) return;
      entry.restarts++;
      this.launch(entry);
      this.options.say(`${name} restarted (pid ${entry.child?.pid})`);
    }, delay);
  }

  /** Where the test (and an operator) finds each process: `pids.json` in the data directory. */
  writePids() {
    if (this.stopped) return;
    const children = {};
    const restarts = {};
    for (const [name, p] of this.processes) {
      if (p.child?.pid) children[name] = p.child.pid;
      restarts[name] = p.restarts;
    }
    try {
      writeFileSync(this.pidsFile, JSON.stringify({ supervisor: process.pid, children, restarts }, null, 2));
    } catch {
      // the data directory is gone (a test removed it): nothing to record
    }
  }

  /** Stops every process: by stage, lowest first; each stage completes before the next begins. */
  async stopAll() {
    this.stopping = true;
    for (const p of this.processes.values()) if (p.timer) clearTimeout(p.timer);
    const stages = [...new Set([...this.processes.values()].map((p) => p.spec.stage ?? 0))].sort((a, b) => a - b);
    for (const stage of stages) {
      await Promise.all([...this.processes.values()].filter((p) => (p.spec.stage ?? 0) === stage).map((p) => stopChild(p.child)));
    }
    this.stopped = true;
    rmSync(this.pidsFile, { force: true });
  }
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
