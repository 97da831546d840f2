import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { freePort } from './free-port';

/** Where tests look for nats-server: NATS_SERVER_BIN, then PATH, then Debian's location. */
export function natsServerBinary(): string {
  const candidates = [process.env.NATS_SERVER_BIN, ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'nats-server')), '/usr/sbin/nats-server', '/usr/bin/nats-server'];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN');
  return found;
}

/**
 * A nats-server with JetStream that a test starts on a free loopback port, with its own store
 * directory, and can stop, kill -9 and restart on the same port and store.
 */
export interface TestNatsServerOptions {
  /**
   * What the platform creates before services start, run once with the admin connection below —
   * `provisionEventStream` from @phdmf/messaging for a test that runs services (they bind to the
   * event stream and their durables; they may not create them). The store keeps it across
   * kill9/restart, as a real server's does.
   */
  provision?: (nc: NatsConnection) => Promise<unknown>;
  /** A configuration file (an `authorization` block, say); the server's log then goes to `logFile`. */
  configFile?: string;
  /** How the test connects as an identity allowed everything (the operator), when `configFile` restricts who may. */
  admin?: Partial<ConnectionOptions>;
}

/**
 * A nats-server with JetStream that a test starts on a free loopback port, with its own store
 * directory, and can stop, kill -9 and restart on the same port and store.
 */
export class TestNatsServer {
  private proc?: ChildProcess;

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly options: TestNatsServerOptions,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The server process: its pid, or how it ended (for a test's diagnosis of a failed dial). */
  get processState(): string {
    const proc = this.proc;
    if (!proc) return 'not running (stopped by the test)';
    if (proc.exitCode !== null || proc.signalCode !== null) return `exited (code ${String(proc.exitCode)}, signal ${String(proc.signalCode)})`;
    return `running (pid ${String(proc.pid)})`;
  }

  /** Where the server logs (violations included) when started with a `configFile`. */
  get logFile(): string {
    return path.join(this.storeDir, 'nats.log');
  }

  static async start(options: TestNatsServerOptions = {}): Promise<TestNatsServer> {
    const server = await TestNatsServer.reserve(options);
    await server.launch();
    if (options.provision) {
      const nc = await server.connectAdmin();
      try {
        await options.provision(nc);
      } finally {
        await nc.close();
      }
    }
    return server;
  }

  /**
   * A server with its port and store chosen but not started: `launch()` starts it (a test of what
   * happens to a service that starts before NATS does). `provision` is not run.
   */
  static async reserve(options: TestNatsServerOptions = {}): Promise<TestNatsServer> {
    return new TestNatsServer(await freePort(), mkdtempSync(path.join(os.tmpdir(), 'phdmf-nats-')), options);
  }

  /** A connection allowed everything (the options' `admin`, else anonymous). */
  connectAdmin(extra: Partial<ConnectionOptions> = {}): Promise<NatsConnection> {
    return connect({ servers: this.url, ...this.options.admin, ...extra });
  }

  async launch(): Promise<void> {
    const config = this.options.configFile === undefined ? [] : ['-c', this.options.configFile, '-l', this.logFile];
    const proc = spawn(natsServerBinary(), [...config, '-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], { stdio: 'ignore' });
    this.proc = proc;
    await this.waitUntilReady();
  }

  /** SIGKILL: no shutdown, no flush; what JetStream acknowledged must survive it. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => {
      proc.once('exit', () => {
        resolve();
      });
    });
    proc.kill(sig);
    await exited;
    this.proc = undefined;
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const nc = await this.connectAdmin({ reconnect: false, timeout: 500 });
        // JetStream becomes available a little after the client port opens.
        const jsm = await nc.jetstreamManager();
        await jsm.getAccountInfo();
        await nc.close();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`nats-server on port ${this.port} did not become ready: ${String(error)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}
