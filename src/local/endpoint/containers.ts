/**
 * The containers of a local endpoint: `IMAGE serve` once per instance, on a private sagekit
 * network, the extracted model mounted read-only at /opt/ml/model, port 8080 published on a
 * free 127.0.0.1 port chosen by the engine (so endpoints never collide). Docker Engine started
 * with `--bridge=none` publishes ports only on user-defined networks, hence the network; when an
 * engine publishes none, the container's address on that network is used instead.
 */
import type { LogLine } from '../../events.js';
import type { Engine, EngineContainer } from '../engine/types.js';
import { MANAGED_LABEL, removeLabelledResources } from '../leftovers.js';
import { LineSplitter } from '../line-splitter.js';
import { exitCodeOf, openOutput } from '../container-io.js';
import { demuxOutput } from '../engine/demux.js';

/** What the instances run. */
export interface InstanceSpec {
  endpointName: string;
  image: string;
  env: string[];
  modelDir: string;
  count: number;
  gpu: boolean;
}

/** One running instance. */
export interface Instance {
  name: string;
  container: EngineContainer;
  /** `http://host:port` where its port 8080 answers. */
  address: string;
  /** Resolves with the exit code when the container ends. */
  exited: Promise<number>;
}

const SERVE_PORT = '8080/tcp';

function labels(endpointName: string, instance?: string): Record<string, string> {
  return {
    [MANAGED_LABEL]: 'true',
    'sagekit.endpoint': endpointName,
    'sagekit.pid': String(process.pid),
    ...(instance && { 'sagekit.instance': instance }),
  };
}

/** Streams a container's output, line by line, to `onLine`. */
async function streamLogs(container: EngineContainer, host: string, onLine: (line: LogLine) => void): Promise<void> {
  const stream = await openOutput(container);
  const splitter = (kind: 'stdout' | 'stderr') => new LineSplitter((message) => onLine({ host, message, timestamp: Date.now(), stream: kind }));
  const stdout = splitter('stdout');
  const stderr = splitter('stderr');
  demuxOutput(stream, stdout, stderr);
  const end = () => {
    stdout.end();
    stderr.end();
  };
  stream.on('end', end);
  stream.on('close', end);
}

/** Where the proxy reaches a started container's port 8080. */
async function addressOf(container: EngineContainer, network: string): Promise<string> {
  const info = await container.inspect();
  const published = info.NetworkSettings?.Ports?.[SERVE_PORT]?.find((p) => p.HostPort);
  if (published) return `http://127.0.0.1:${published.HostPort}`;
  const ip = info.NetworkSettings?.Networks?.[network]?.IPAddress;
  if (ip) return `http://${ip}:8080`;
  throw new Error(`the engine neither published port 8080 of ${info.Name} nor gave it an address on ${network}`);
}

/** The containers and network of one endpoint. */
export class EndpointContainers {
  private network: { name: string; remove(): Promise<void> } | undefined;
  private readonly created: EngineContainer[] = [];
  /** Containers started so far: a replacement gets a name of its own. */
  private started = 0;

  constructor(
    private readonly engine: Engine,
    private readonly spec: InstanceSpec,
    private readonly onLine: (line: LogLine) => void,
  ) {}

  /** Creates the network and starts every instance; on any error, what was created is removed. */
  async start(): Promise<Instance[]> {
    try {
      const name = `sagekit-ep-${this.spec.endpointName}-${process.pid}`.slice(0, 100);
      const network = await this.engine.networks.create({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: labels(this.spec.endpointName) });
      this.network = { name, remove: () => network.remove() };
      const instances: Instance[] = [];
      for (let i = 1; i <= this.spec.count; i++) instances.push(await this.startInstance(`instance-${i}`));
      return instances;
    } catch (error) {
      await this.remove();
      throw error;
    }
  }

  /** Starts one instance (`instance-N`) on the endpoint's network: at first, or to replace one that died. */
  async startInstance(name: string): Promise<Instance> {
    const { spec } = this;
    const network = this.network?.name;
    if (!network) throw new Error(`the network of endpoint ${spec.endpointName} is gone`);
    this.started++;
    const container = await this.engine.containers.create({
      name: `sagekit-ep-${spec.endpointName}-${name}-${process.pid}${this.started > spec.count ? `-${this.started}` : ''}`.slice(0, 120),
      Image: spec.image,
      Cmd: ['serve'],
      Env: spec.env,
      Labels: labels(spec.endpointName, name),
      ExposedPorts: { [SERVE_PORT]: {} },
      HostConfig: {
        Binds: [`${spec.modelDir}:/opt/ml/model:ro`],
        NetworkMode: network,
        PortBindings: { [SERVE_PORT]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
        ...(spec.gpu && { DeviceRequests: [{ Driver: '', Count: -1, Capabilities: [['gpu']] }] }),
      },
    });
    this.created.push(container);
    await container.start().catch((error: Error) => {
      throw new Error(`${name} could not start "${spec.image} serve" (SageMaker runs the image with the argument serve): ${error.message.trim()}`);
    });
    await streamLogs(container, name, this.onLine);
    // A container whose exit cannot be watched counts as exited (it gets replaced).
    const exited = exitCodeOf(container).catch(() => -1);
    return { name, container, address: await addressOf(container, network), exited };
  }

  /** Removes one instance's container (forcefully). */
  async removeInstance(instance: Instance): Promise<void> {
    const index = this.created.indexOf(instance.container);
    if (index >= 0) this.created.splice(index, 1);
    await instance.container.remove({ volumes: true }).catch(() => undefined);
  }

  /** Removes every container (forcefully) and the network; safe to call more than once. */
  async remove(): Promise<void> {
    const containers = this.created.splice(0);
    await Promise.all(containers.map((c) => c.remove({ volumes: true }).catch(() => undefined)));
    const network = this.network;
    this.network = undefined;
    await network?.remove().catch(() => undefined);
  }
}

/** Removes every container and network of an endpoint whose owner died (found by label). */
export function removeEndpointResources(engine: Engine, endpointName: string): Promise<void> {
  return removeLabelledResources(engine, `sagekit.endpoint=${endpointName}`);
}
