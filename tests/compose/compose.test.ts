/**
 * deploy/compose is not run anywhere automatically (no Docker engine in CI), so this test keeps
 * it correct by construction: it parses the compose file, the root Dockerfile and .dockerignore
 * and checks them against the code and the native stack. It needs no running stack.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigError, loadConfig, z } from '@bgs/platform';
import {
  CONNECTOR_LOCATION_KEYS,
  connectorConfigFor,
  provisionConfigSchema,
} from '../../packages/provisioning/src';
import { configSchema as enricherSchema } from '../../services/enricher/src/config';
import { configSchema as ingressSchema } from '../../services/ingress/src/config';
import { configSchema as localProviderSchema } from '../../services/local-provider/src/config';
import { configSchema as refresherSchema } from '../../services/refresher/src/config';
import { configSchema as sinkSchema } from '../../services/sink/src/config';

const repoRoot = path.resolve(__dirname, '..', '..');
const composeDir = path.join(repoRoot, 'deploy', 'compose');
const read = (...parts: string[]): string => readFileSync(path.join(repoRoot, ...parts), 'utf8');

// ---------------------------------------------------------------- the compose file, typed

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const stringOrList = z.union([z.string(), z.array(z.string())]);
const serviceSchema = z.object({
  image: z.string().optional(),
  build: z
    .union([z.string(), z.object({ context: z.string(), dockerfile: z.string().optional() })])
    .optional(),
  command: stringOrList.optional(),
  environment: z.union([z.record(z.string(), scalar), z.array(z.string())]).optional(),
  ports: z.array(z.union([z.string(), z.number()])).optional(),
  volumes: z.array(z.string()).optional(),
  depends_on: z
    .union([z.array(z.string()), z.record(z.string(), z.object({ condition: z.string() }))])
    .optional(),
  healthcheck: z.object({ test: stringOrList }).optional(),
});
type Service = z.infer<typeof serviceSchema>;
const composeSchema = z.object({
  name: z.string().optional(),
  services: z.record(z.string(), serviceSchema),
  volumes: z.record(z.string(), z.unknown()).optional(),
});

const compose = composeSchema.parse(
  parse(read('deploy', 'compose', 'docker-compose.yml'), { merge: true }),
);

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** The environment a container gets, as strings (compose turns numbers into strings). */
function envOf(name: string): Record<string, string> {
  const environment = service(name).environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [key, value === null ? '' : String(value)]),
  );
}

const commandOf = (name: string): string[] => {
  const command = service(name).command ?? [];
  return typeof command === 'string' ? command.split(/\s+/).filter(Boolean) : command;
};

const dependsOn = (name: string): Record<string, string> => {
  const deps = service(name).depends_on ?? {};
  return Array.isArray(deps)
    ? Object.fromEntries(deps.map((d) => [d, 'service_started']))
    : Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v.condition]));
};

/** `host_ip:host_port:container_port` → its parts (the only form this file should use). */
function publishedPorts(name: string): { ip: string; host: number; container: number }[] {
  return (service(name).ports ?? []).map((port) => {
    const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+):(\d+)(?:\/tcp)?$/.exec(String(port));
    if (!match) throw new Error(`${name}: port "${port}" does not name the host interface`);
    return { ip: match[1] ?? '', host: Number(match[2]), container: Number(match[3]) };
  });
}

/** `registry/name:tag` → name and tag (a registry host may carry a port, a tag never a `/`). */
function imageRef(image: string): { name: string; tag: string | undefined } {
  const withoutDigest = image.split('@')[0] ?? image;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/')
    ? { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) }
    : { name: withoutDigest, tag: undefined };
}

/** A tag that names one release: a version with at least major.minor, never `latest`. */
const PINNED_TAG = /^v?\d+\.\d+(\.\d+)?([.-][0-9A-Za-z.-]+)?$/;

const SERVICES = {
  ingress: ingressSchema,
  refresher: refresherSchema,
  enricher: enricherSchema,
  sink: sinkSchema,
} as const;
const INFRA = ['postgres', 'kafka', 'registry', 'connect'] as const;

/** Variables a schema cannot do without: those that fail when nothing is set. */
function requiredKeys(schema: z.ZodType): string[] {
  const result = schema.safeParse({});
  if (result.success) return [];
  return [...new Set(result.error.issues.map((issue) => String(issue.path[0])))];
}

// ---------------------------------------------------------------- the tests

describe('deploy/compose/docker-compose.yml', () => {
  it('runs the infrastructure, the one-shot provisioning and the four services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...INFRA, 'provision', 'local-provider', ...Object.keys(SERVICES)].sort(),
    );
  });

  describe('images', () => {
    it('pins every pulled image to a release tag', () => {
      for (const name of INFRA) {
        const image = service(name).image;
        expect(image).toBeDefined();
        const { tag } = imageRef(image ?? '');
        expect({ service: name, image, pinned: tag !== undefined && PINNED_TAG.test(tag) }).toEqual(
          { service: name, image, pinned: true },
        );
      }
    });

    it('builds the app containers from the repository root Dockerfile, under one local tag', () => {
      const appServices = ['provision', ...Object.keys(SERVICES)];
      const images = new Set(appServices.map((name) => service(name).image));
      expect(images.size).toBe(1);
      for (const name of appServices) {
        const build = service(name).build;
        expect(build).toBeDefined();
        const context = typeof build === 'string' ? build : (build?.context ?? '');
        const dockerfile =
          typeof build === 'object' ? (build.dockerfile ?? 'Dockerfile') : 'Dockerfile';
        expect(path.resolve(composeDir, context)).toBe(repoRoot);
        expect(existsSync(path.join(repoRoot, dockerfile))).toBe(true);
      }
    });

    it('uses the official images at the native stack versions', () => {
      const pom = read('deploy', 'local', 'pom.xml');
      const stack = read('deploy', 'local', 'stack');
      const kafkaVersion = /<kafka\.version>([^<]+)</.exec(pom)?.[1];
      const debeziumVersion = /<debezium\.version>([^<]+)</.exec(pom)?.[1];
      const apicurioVersion = /^APICURIO_VERSION=(\S+)$/m.exec(stack)?.[1];
      expect(imageRef(service('kafka').image ?? '')).toEqual({
        name: 'apache/kafka',
        tag: kafkaVersion,
      });
      expect(imageRef(service('connect').image ?? '')).toEqual({
        name: 'quay.io/debezium/connect',
        tag: debeziumVersion,
      });
      expect(imageRef(service('registry').image ?? '')).toEqual({
        name: 'apicurio/apicurio-registry',
        tag: apicurioVersion,
      });
      const postgres = imageRef(service('postgres').image ?? '');
      expect(postgres.name).toBe('postgres');
      expect(postgres.tag).toMatch(/^15\.\d+$/);
    });
  });

  describe('ports', () => {
    it('publishes only on 127.0.0.1, on the native stack host ports', () => {
      const published = Object.keys(compose.services).flatMap((name) =>
        publishedPorts(name).map((port) => ({ name, ...port })),
      );
      for (const port of published) expect(port.ip).toBe('127.0.0.1');
      expect(Object.fromEntries(published.map((p) => [p.name, p.host]))).toEqual({
        postgres: 55432,
        kafka: 59092,
        registry: 58081,
        connect: 58083,
        ingress: 58100,
        refresher: 58101,
        enricher: 58102,
        sink: 58103,
        'local-provider': 58104,
      });
    });
  });

  describe('start-up order', () => {
    it('waits on health checks and on provisioning having succeeded', () => {
      for (const name of Object.keys(compose.services)) {
        for (const [dep, condition] of Object.entries(dependsOn(name))) {
          expect({ name, dep, defined: dep in compose.services }).toEqual({
            name,
            dep,
            defined: true,
          });
          if (dep === 'provision') {
            expect(condition).toBe('service_completed_successfully');
          } else {
            expect({ name, dep, condition }).toEqual({ name, dep, condition: 'service_healthy' });
            expect(service(dep).healthcheck).toBeDefined();
          }
        }
      }
      expect(dependsOn('provision')).toEqual({
        postgres: 'service_healthy',
        kafka: 'service_healthy',
        registry: 'service_healthy',
        connect: 'service_healthy',
      });
      for (const name of Object.keys(SERVICES)) {
        expect(dependsOn(name)).toMatchObject({ provision: 'service_completed_successfully' });
      }
      expect(dependsOn('registry')).toEqual({ postgres: 'service_healthy' });
      expect(dependsOn('connect')).toEqual({ kafka: 'service_healthy' });
    });
  });

  describe('postgres', () => {
    const initSql = read('deploy', 'compose', 'postgres-init.sql');

    it('runs with logical WAL', () => {
      const command = commandOf('postgres');
      expect(command[0]).toBe('postgres');
      const settings = command.filter((_, i) => command[i - 1] === '-c');
      expect(settings).toEqual(
        expect.arrayContaining([
          'wal_level=logical',
          'max_replication_slots=10',
          'max_wal_senders=10',
        ]),
      );
    });

    it('creates the native stack roles and databases from postgres-init.sql', () => {
      const mount = (service('postgres').volumes ?? []).find((v) =>
        v.includes(':/docker-entrypoint-initdb.d/'),
      );
      expect(mount).toBeDefined();
      const source = mount?.split(':')[0] ?? '';
      expect(path.resolve(composeDir, source)).toBe(path.join(composeDir, 'postgres-init.sql'));
      const sql = initSql.replace(/--.*$/gm, '').replace(/\s+/g, ' ');
      expect(sql).toContain("CREATE ROLE bgs_app LOGIN CREATEDB PASSWORD 'bgs_app';");
      expect(sql).toContain("CREATE ROLE bgs_cdc LOGIN REPLICATION PASSWORD 'bgs_cdc';");
      expect(sql).toContain("CREATE ROLE apicurio LOGIN PASSWORD 'apicurio';");
      expect(sql).toContain('GRANT bgs_app TO bgs_cdc;');
      expect(sql).toContain('CREATE DATABASE buyergroups OWNER bgs_app;');
      expect(sql).toContain('CREATE DATABASE apicurio OWNER apicurio;');
      expect(sql).toContain('GRANT CREATE ON DATABASE buyergroups TO bgs_cdc;');
    });

    it('is what every DATABASE_URL in the file points at', () => {
      for (const name of ['provision', ...Object.keys(SERVICES)]) {
        const url = envOf(name).DATABASE_URL;
        if (url === undefined) continue;
        const parsed = new URL(url);
        expect({
          name,
          at: `${parsed.username}:${parsed.password}@${parsed.host}${parsed.pathname}`,
        }).toEqual({ name, at: 'bgs_app:bgs_app@postgres:5432/buyergroups' });
      }
    });
  });

  describe('kafka', () => {
    const env = envOf('kafka');

    it('is one KRaft node whose internal topics have one replica', () => {
      expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
      expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
      expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
      expect(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe('1');
      expect(env.KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR).toBe('1');
      expect(env.KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR).toBe('1');
      expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    });

    it('advertises kafka:9092 to containers and 127.0.0.1:59092 to the host', () => {
      const advertised = (env.KAFKA_ADVERTISED_LISTENERS ?? '').split(',');
      const internal = advertised.find((l) => l.endsWith('://kafka:9092'));
      const external = advertised.find((l) => l.endsWith('://127.0.0.1:59092'));
      expect(internal).toBeDefined();
      expect(external).toBeDefined();
      expect(env.KAFKA_INTER_BROKER_LISTENER_NAME).toBe(internal?.split('://')[0]);
      expect(publishedPorts('kafka')).toEqual([{ ip: '127.0.0.1', host: 59092, container: 59092 }]);
      const listeners = (env.KAFKA_LISTENERS ?? '').split(',');
      expect(listeners).toContain(`${external?.split('://')[0]}://:59092`);
      expect(listeners).toContain(`${internal?.split('://')[0]}://:9092`);
    });
  });

  describe('connect', () => {
    const env = envOf('connect');

    it('is the Debezium image on the internal listener, with single-replica storage topics', () => {
      expect(imageRef(service('connect').image ?? '').name).toBe('quay.io/debezium/connect');
      expect(env.BOOTSTRAP_SERVERS).toBe('kafka:9092');
      expect(env.CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR).toBe('1');
      expect(env.CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR).toBe('1');
      expect(env.CONNECT_STATUS_STORAGE_REPLICATION_FACTOR).toBe('1');
      expect(env.GROUP_ID).toBe('bgs-connect');
      expect(publishedPorts('connect')).toEqual([
        { ip: '127.0.0.1', host: 58083, container: 8083 },
      ]);
    });
  });

  describe('registry', () => {
    it('is Apicurio storing in the compose Postgres', () => {
      const env = envOf('registry');
      expect(env.APICURIO_STORAGE_KIND).toBe('sql');
      expect(env.APICURIO_STORAGE_SQL_KIND).toBe('postgresql');
      expect(env.APICURIO_DATASOURCE_URL).toBe('jdbc:postgresql://postgres:5432/apicurio');
      expect(env.APICURIO_DATASOURCE_USERNAME).toBe('apicurio');
      expect(env.APICURIO_DATASOURCE_PASSWORD).toBe('apicurio');
    });
  });

  describe('provision', () => {
    const env = envOf('provision');

    it('runs the provisioning CLI for every step', () => {
      expect(commandOf('provision')).toEqual([
        'node',
        'packages/provisioning/dist/cli/provision.js',
        'all',
      ]);
      expect(existsSync(path.join(repoRoot, 'packages/provisioning/src/cli/provision.ts'))).toBe(
        true,
      );
    });

    it('sets only variables its config schema declares, and they load', () => {
      const declared = Object.keys(provisionConfigSchema.shape);
      for (const key of Object.keys(env)) expect(declared).toContain(key);
      for (const key of requiredKeys(provisionConfigSchema)) expect(env).toHaveProperty(key);
      const config = loadConfig(provisionConfigSchema, env);
      expect(config.KAFKA_BROKERS).toEqual(['kafka:9092']);
      expect(config.CONNECT_URL).toBe('http://connect:8083');
      expect(new URL(config.SCHEMA_REGISTRY_URL).host).toBe('registry:8080');
      expect(path.resolve(config.SCHEMAS_DIR)).toBe(path.join(repoRoot, 'schemas'));
    });

    it('registers the native stack connector config, pointed at the compose Postgres', () => {
      const composeConnector = connectorConfigFor(loadConfig(provisionConfigSchema, env));
      const nativeConnector = connectorConfigFor(loadConfig(provisionConfigSchema, {}));
      const withoutLocation = (config: Record<string, string>): Record<string, string> =>
        Object.fromEntries(
          Object.entries(config).filter(
            ([key]) => !(CONNECTOR_LOCATION_KEYS as readonly string[]).includes(key),
          ),
        );
      expect(withoutLocation(composeConnector)).toEqual(withoutLocation(nativeConnector));
      expect(Object.keys(composeConnector).sort()).toEqual(Object.keys(nativeConnector).sort());
      expect(composeConnector['database.hostname']).toBe('postgres');
      expect(composeConnector['database.port']).toBe('5432');
      expect(compose.services).toHaveProperty('postgres');
      // and that user and database exist in the compose Postgres
      const sql = read('deploy', 'compose', 'postgres-init.sql');
      expect(sql).toContain(
        `CREATE ROLE ${composeConnector['database.user']} LOGIN REPLICATION PASSWORD '${composeConnector['database.password']}'`,
      );
      expect(sql).toContain(`CREATE DATABASE ${composeConnector['database.dbname']} `);
    });

    it("runs on the stack's passwords on purpose: the image sets NODE_ENV=production", () => {
      const production: Record<string, string> = { ...env, NODE_ENV: 'production' };
      expect(env.BGS_DEV_DEFAULTS).toBe('allow');
      expect(() => loadConfig(provisionConfigSchema, production)).not.toThrow();
      const { BGS_DEV_DEFAULTS: _optIn, ...withoutOptIn } = production;
      expect(() => loadConfig(provisionConfigSchema, withoutOptIn)).toThrow(
        /DATABASE_URL: .*CDC_DATABASE_PASSWORD: /,
      );
    });
  });

  describe.each(Object.entries(SERVICES))('service %s', (name, schema) => {
    const env = envOf(name);

    it('sets only variables its config schema declares, and every required one', () => {
      const declared = Object.keys(schema.shape);
      for (const key of Object.keys(env)) {
        expect({ variable: key, declared: declared.includes(key) }).toEqual({
          variable: key,
          declared: true,
        });
      }
      for (const key of requiredKeys(schema)) expect(env).toHaveProperty(key);
    });

    it('loads, listening on all interfaces of the container at its native port', () => {
      const config = loadConfig(schema, env);
      const nativePort = schema.shape.HTTP_PORT.parse(undefined);
      expect(config.HTTP_HOST).toBe('0.0.0.0');
      expect(config.HTTP_PORT).toBe(nativePort);
      expect(publishedPorts(name)).toEqual([
        { ip: '127.0.0.1', host: nativePort, container: nativePort },
      ]);
      expect(config.KAFKA_BROKERS).toEqual(['kafka:9092']);
      expect(new URL(config.SCHEMA_REGISTRY_URL).host).toBe('registry:8080');
    });

    it('runs on development defaults on purpose: the image sets NODE_ENV=production', () => {
      const production: Record<string, string> = { ...env, NODE_ENV: 'production' };
      expect(env.BGS_DEV_DEFAULTS).toBe('allow');
      expect(() => loadConfig(schema, production)).not.toThrow();
      const { BGS_DEV_DEFAULTS: _optIn, ...withoutOptIn } = production;
      expect(() => loadConfig(schema, withoutOptIn)).toThrow(ConfigError);
    });

    it('runs its compiled entry point and reports health over HTTP', () => {
      expect(commandOf(name)).toEqual(['node', `services/${name}/dist/main.js`]);
      expect(existsSync(path.join(repoRoot, 'services', name, 'src', 'main.ts'))).toBe(true);
      const test = service(name).healthcheck?.test ?? [];
      const probe = typeof test === 'string' ? test : test.join(' ');
      expect(probe).toMatch(/\/(readyz|healthz)/);
      expect(probe).toContain('process.env.HTTP_PORT');
    });
  });
});

describe('development defaults, which production refuses', () => {
  it('the local provider opts in to its own, as the services do', () => {
    const env = { ...envOf('local-provider'), NODE_ENV: 'production' };
    expect(Object.keys(localProviderSchema.shape)).toEqual(
      expect.arrayContaining(Object.keys(envOf('local-provider'))),
    );
    expect(loadConfig(localProviderSchema, env).PROVIDER_API_KEY).toBe('local-provider-key');
  });

  it('the native stack opts in for every service it starts', () => {
    const stack = read('deploy', 'local', 'stack');
    const serviceEnv = /^service_env\(\) \{\n([\s\S]*?)^\}/m.exec(stack)?.[1] ?? '';
    expect(serviceEnv).toMatch(/^\s*echo "BGS_DEV_DEFAULTS=allow"$/m);
  });

  it('the native stack opts in for provisioning', () => {
    const stack = read('deploy', 'local', 'stack');
    const provisionEnv = /^provision_env\(\) \{\n([\s\S]*?)^\}/m.exec(stack)?.[1] ?? '';
    expect(provisionEnv).toMatch(/^\s*export BGS_DEV_DEFAULTS=allow$/m);
  });
});

// ---------------------------------------------------------------- the image

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const froms = [
    ...dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/gim),
  ];
  const stages = new Set(froms.map((m) => m[2]?.toLowerCase()).filter(Boolean));

  it('pins every base image to an exact Node 20 slim release', () => {
    const bases = froms.map((m) => m[1] ?? '').filter((image) => !stages.has(image.toLowerCase()));
    expect(bases.length).toBeGreaterThan(0);
    const nodeMajor = read('.nvmrc').trim();
    for (const base of bases) {
      const { name, tag } = imageRef(base);
      expect(name).toBe('node');
      expect(tag).toMatch(new RegExp(`^${nodeMajor}\\.\\d+\\.\\d+-bookworm-slim$`));
    }
  });

  it('runs in production mode, where development defaults are refused', () => {
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production\b/m);
  });

  it('installs every workspace and ships the schemas provisioning reads', () => {
    const workspaces = ['packages', 'services'].flatMap((dir) =>
      readdirSync(path.join(repoRoot, dir))
        .filter((entry) => existsSync(path.join(repoRoot, dir, entry, 'package.json')))
        .map((entry) => `${dir}/${entry}`),
    );
    for (const workspace of workspaces) {
      expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
      expect(dockerfile).toContain(`COPY --from=build /app/${workspace}/dist ${workspace}/dist`);
    }
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npx tsc -b\b/m);
    expect(dockerfile).toMatch(/^COPY schemas\/ schemas\/$/m);
  });

  it('keeps host builds out of the context (.dockerignore)', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining(['**/node_modules', '**/dist', '**/*.tsbuildinfo']),
    );
    for (const needed of ['schemas', 'packages', 'services', 'package-lock.json', '.npmrc']) {
      expect(ignored).not.toContain(needed);
    }
  });
});
