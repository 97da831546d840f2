// The Kubernetes manifests are code too: this test reads them as kustomize would and checks that
// each workload would actually start — every container runs a built entry point, its environment
// passes the app's own config validation, an HTTP listener binds a pod address on the port the
// probes and Services use, every *_FILE path is mounted, every service with a database has its
// explicit migration Job, and an institution's site overlay holds the storage service alone.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SERVICE_NAMES, type ServiceName } from '@phdmf/contracts';
import { loadAccountsConfig } from '../../apps/accounts/src/config';
import { loadAggregationConfig } from '../../apps/aggregation/src/config';
import { loadApiGatewayConfig } from '../../apps/api-gateway/src/config';
import { loadAuthorizationConfig } from '../../apps/authorization/src/config';
import { loadDataStorageConfig } from '../../apps/data-storage/src/config';
import { loadLedgerConfig } from '../../apps/ledger/src/config';
import { loadNodeRegistryConfig } from '../../apps/node-registry/src/config';

const ROOT = path.resolve(__dirname, '../..');
const K8S = path.join(ROOT, 'k8s');

const LOADERS: Record<ServiceName, (env: NodeJS.ProcessEnv) => object> = {
  accounts: loadAccountsConfig,
  aggregation: loadAggregationConfig,
  'api-gateway': loadApiGatewayConfig,
  authorization: loadAuthorizationConfig,
  'data-storage': loadDataStorageConfig,
  ledger: loadLedgerConfig,
  'node-registry': loadNodeRegistryConfig,
};

// What a Secret holds is the operator's; the test stands in plausible values by key.
const SECRET_VALUES: Record<string, string> = { 'database-url': 'postgres://phdmf:secret@postgres.example:5432/phdmf' };

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: unknown };
}
interface Probe {
  exec?: { command: string[] };
  httpGet?: { path: string; port: string | number };
  tcpSocket?: { port: string | number };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  envFrom?: { configMapRef?: { name: string } }[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  volumes?: { name: string; secret?: unknown; configMap?: unknown; emptyDir?: unknown; persistentVolumeClaim?: unknown }[];
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: {
    template?: { spec: PodSpec };
    selector?: Record<string, string>;
    ports?: { targetPort: string | number }[];
    volumeClaimTemplates?: { metadata: { name: string } }[];
  };
}
interface Kustomization {
  resources: string[];
  configMapGenerator?: { name: string; literals: string[] }[];
  images?: { name: string }[];
}

interface Overlay {
  name: string;
  kustomization: Kustomization;
  manifests: Manifest[];
  configMaps: Map<string, Record<string, string>>;
}

function readOverlay(name: string): Overlay {
  const dir = path.join(K8S, name);
  const kustomization = parseAllDocuments(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as Kustomization;
  const manifests = kustomization.resources.flatMap((file) => {
    const docs = parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'));
    for (const d of docs) expect(d.errors).toEqual([]);
    return docs.map((d) => d.toJS() as Manifest | null).filter((m): m is Manifest => m !== null);
  });
  const configMaps = new Map<string, Record<string, string>>();
  for (const generator of kustomization.configMapGenerator ?? []) {
    configMaps.set(generator.name, Object.fromEntries(generator.literals.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
  }
  return { name, kustomization, manifests, configMaps };
}

interface Workload {
  overlay: string;
  kind: string;
  name: string;
  pod: PodSpec;
  container: Container;
  app: ServiceName;
  entry: 'main' | 'migrate';
}

function workloads(overlay: Overlay): Workload[] {
  return overlay.manifests.flatMap((m) => {
    const pod = m.spec?.template?.spec;
    if (pod === undefined) return [];
    return pod.containers.flatMap((container) => {
      const match = /^dist\/apps\/([a-z-]+)\/src\/(main|migrate)\.js$/.exec(container.command?.[1] ?? '');
      if (container.image !== 'phdmf' || match === null) return [];
      return [{ overlay: overlay.name, kind: m.kind, name: m.metadata.name, pod, container, app: match[1] as ServiceName, entry: match[2] as 'main' | 'migrate' }];
    });
  });
}

/** The environment the container would get: its ConfigMaps, its literal values, its Secrets (stood in). */
function environmentOf(w: Pick<Workload, 'name' | 'container'>, overlay: Overlay): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of w.container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (name === undefined) continue;
    const map = overlay.configMaps.get(name);
    if (map === undefined) throw new Error(`${w.name}: ConfigMap ${name} is not generated by k8s/${overlay.name}/kustomization.yaml`);
    Object.assign(env, map);
  }
  for (const v of w.container.env ?? []) {
    if (v.value !== undefined) env[v.name] = v.value;
    const ref = v.valueFrom?.secretKeyRef;
    if (ref !== undefined) {
      const value = SECRET_VALUES[ref.key];
      if (value === undefined) throw new Error(`${w.name}: no stand-in value for Secret key ${ref.key}`);
      env[v.name] = value;
    }
  }
  return env;
}

const overlays = ['central', 'site'].map(readOverlay);
const all = overlays.flatMap((o) => workloads(o).map((w) => ({ w, o })));

describe('Kubernetes manifests (k8s/)', () => {
  it('kustomizations list only files that exist, and pin the one image by name', () => {
    for (const o of overlays) {
      for (const file of o.kustomization.resources) expect(existsSync(path.join(K8S, o.name, file))).toBe(true);
      expect(o.kustomization.images?.map((i) => i.name)).toEqual(['phdmf']);
    }
  });

  it('run every service centrally except the storage node, which is the whole site overlay', () => {
    const mains = (overlay: string) =>
      all
        .filter(({ w }) => w.overlay === overlay && w.entry === 'main')
        .map(({ w }) => w.app)
        .sort();
    expect(mains('central')).toEqual(SERVICE_NAMES.filter((s) => s !== 'data-storage').sort());
    expect(mains('site')).toEqual(['data-storage']);
    const site = overlays.find((o) => o.name === 'site')!;
    expect(site.manifests.filter((m) => m.spec?.template !== undefined).map((m) => m.metadata.name).sort()).toEqual(['data-storage', 'migrate-data-storage']);
  });

  it('give every service that owns a database its explicit migration Job', () => {
    const withMigrations = readdirSync(path.join(ROOT, 'apps')).filter((app) => existsSync(path.join(ROOT, 'apps', app, 'src/migrate.ts')));
    const jobs = all.filter(({ w }) => w.entry === 'migrate').map(({ w }) => w.app);
    expect(jobs.sort()).toEqual(withMigrations.sort());
    for (const { w } of all.filter(({ w }) => w.entry === 'migrate')) expect(w.kind).toBe('Job');
  });

  it.each(all.map(({ w, o }) => [`${w.overlay}/${w.name}`, w, o] as const))('%s: runs a built entry point with a configuration its app accepts', (_label, w, o) => {
    // `npm test` builds first: the command must name a file the image will contain.
    expect(existsSync(path.join(ROOT, w.container.command![1]!))).toBe(true);
    expect(w.container.command![0]).toBe('node');
    const env = environmentOf(w, o);
    expect(() => LOADERS[w.app](env)).not.toThrow();
    // Every file a variable points at is on a mounted volume.
    const mounts = (w.container.volumeMounts ?? []).map((m) => m.mountPath);
    for (const [name, value] of Object.entries(env).filter(([n]) => n.endsWith('_FILE'))) {
      if (w.entry === 'migrate') continue; // migrations read no key or credential file
      expect({ name, mounted: mounts.some((m) => value.startsWith(`${m}/`)) }).toEqual({ name, mounted: true });
    }
    const volumes = new Set((w.pod.volumes ?? []).map((v) => v.name));
    for (const m of w.container.volumeMounts ?? []) expect({ mount: m.name, declared: volumes.has(m.name) || w.kind === 'StatefulSet' }).toEqual({ mount: m.name, declared: true });
  });

  it.each(all.filter(({ w }) => w.entry === 'main').map(({ w, o }) => [`${w.overlay}/${w.name}`, w, o] as const))(
    '%s: listens where its probes and Service look, and is probed by what it serves',
    (_label, w, o) => {
      const env = environmentOf(w, o);
      const config = LOADERS[w.app](env) as { HTTP_HOST?: string; HTTP_PORT?: number };
      const liveness = w.container.livenessProbe;
      expect(liveness).toBeDefined();
      if (config.HTTP_PORT === undefined) {
        // NATS-only services: the probe asks the service's own health query.
        expect(liveness?.exec?.command).toEqual(['node', 'dist/libs/messaging/src/health/probe.js', w.app]);
        expect(existsSync(path.join(ROOT, 'dist/libs/messaging/src/health/probe.js'))).toBe(true);
        return;
      }
      // The default host is loopback: in a pod nothing could reach it.
      expect(config.HTTP_HOST).toBe('0.0.0.0');
      const port = w.container.ports?.find((p) => p.containerPort === config.HTTP_PORT);
      expect(port).toBeDefined();
      for (const probe of [w.container.livenessProbe, w.container.readinessProbe]) {
        const target = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        expect([port!.name, port!.containerPort]).toContain(target);
      }
      const services = o.manifests.filter((m) => m.kind === 'Service' && m.metadata.name === w.name);
      expect(services).toHaveLength(1);
      for (const p of services[0]!.spec!.ports!) expect([port!.name, port!.containerPort]).toContain(p.targetPort);
    },
  );

  it.each(all.filter(({ w }) => w.entry === 'main').map(({ w, o }) => [`${w.overlay}/${w.name}`, w, o] as const))(
    '%s: connects as its own NATS user, with the seed mounted from its Secret and its own reply inbox',
    (_label, w, o) => {
      const env = environmentOf(w, o);
      // The identity infra/nats/permissions.mjs declares for it: the service, or storage-<NODE_ID>.
      const identity = w.app === 'data-storage' ? `storage-${env.NODE_ID ?? ''}` : w.app;
      expect(env.NATS_INBOX_PREFIX).toBe(`_INBOX_${identity}`);
      const seedFile = env.NATS_NKEY_SEED_FILE ?? '';
      const mount = (w.container.volumeMounts ?? []).find((m) => seedFile.startsWith(`${m.mountPath}/`));
      expect(mount).toBeDefined();
      const volume = (w.pod.volumes ?? []).find((v) => v.name === mount?.name) as { secret?: { items?: { key: string; path: string }[] } } | undefined;
      expect(volume?.secret?.items).toContainEqual({ key: 'seed', path: path.basename(seedFile) });
    },
  );

  it('provision the event stream and the durables with a Job that runs as the operator, and nothing else gets the operator’s seed', () => {
    // Services and sites may not manage JetStream (infra/nats/permissions.mjs): the platform does, here.
    const central = overlays.find((o) => o.name === 'central')!;
    const jobs = central.manifests.filter((m) => m.kind === 'Job' && m.spec?.template?.spec.containers.some((c) => c.command?.[1] === 'dist/libs/messaging/src/events/provision.js'));
    expect(jobs.map((j) => j.metadata.name)).toEqual(['provision-events']);
    const pod = jobs[0]!.spec!.template!.spec;
    const container = pod.containers[0]!;
    expect(container.command).toEqual(['node', 'dist/libs/messaging/src/events/provision.js']);
    expect(existsSync(path.join(ROOT, container.command![1]!))).toBe(true);
    // The same NATS the services use, as the operator, with the seed mounted from its own Secret.
    const env = environmentOf({ name: 'provision-events', container }, central);
    expect(env.NATS_URL).toBe(central.configMaps.get('phdmf-central')?.NATS_URL);
    const seedFile = env.NATS_NKEY_SEED_FILE ?? '';
    const mount = (container.volumeMounts ?? []).find((m) => seedFile.startsWith(`${m.mountPath}/`));
    const volume = (pod.volumes ?? []).find((v) => v.name === mount?.name) as { secret?: { secretName: string; items?: { key: string; path: string }[] } } | undefined;
    expect(volume?.secret).toEqual({ secretName: 'phdmf-operator-nats', items: [{ key: 'seed', path: path.basename(seedFile) }] });
    expect(path.basename(seedFile)).toBe('operator.nk');
    // No workload but this Job mounts the operator's Secret; the site overlay has none to mount.
    for (const o of overlays) {
      for (const m of o.manifests.filter((x) => x !== jobs[0])) {
        const secrets = (m.spec?.template?.spec.volumes ?? []).map((v) => (v as { secret?: { secretName?: string } }).secret?.secretName);
        expect({ workload: `${o.name}/${m.metadata.name}`, operatorSeed: secrets.includes('phdmf-operator-nats') }).toEqual({ workload: `${o.name}/${m.metadata.name}`, operatorSeed: false });
      }
    }
  });

  it('probe the REST edge on the routes it serves outside the API prefix', () => {
    const edge = all.find(({ w }) => w.app === 'api-gateway' && w.entry === 'main')!.w.container;
    expect(edge.livenessProbe?.httpGet?.path).toBe('/health');
    expect(edge.readinessProbe?.httpGet?.path).toBe('/ready');
  });
});
