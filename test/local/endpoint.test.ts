/**
 * Local endpoints on the real engine, through the API as a user writes it: train the example
 * image, estimator.deploy() with two instances, predict JSON and CSV, a second endpoint (an
 * attached job) and a Model of the archive at the same time, delete leaving no container; a
 * model that never gets healthy, and one whose container exits, fail clearly and leave nothing.
 * (The endpoint process runs dist/: `npm run build` first, as `npm test` does.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/deploy/errors.js';
import { Model } from '../../src/deploy/model.js';
import type { Predictor } from '../../src/deploy/predictor.js';
import { CSVDeserializer, CSVSerializer, JSONDeserializer, JSONSerializer } from '../../src/deploy/serializers.js';
import { Estimator } from '../../src/estimator/estimator.js';
import { JobEvents } from '../../src/events.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildImage } from '../../src/local/image.js';
import { listLocalEndpoints } from '../../src/local/endpoint/index.js';
import { BASE_IMAGE } from '../setup/images.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE_IMAGE = 'localhost/sagekit-linear-regression:endpoint-test';
const NEVER_HEALTHY_IMAGE = 'localhost/sagekit-never-healthy:test';
const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-endpoint-'));
const stateDir = path.join(dir, 'state');
const suffix = String(process.pid);

/** Containers of one endpoint (by label, so other work on the engine never counts). */
async function containersOf(endpointName: string): Promise<number> {
  const { docker } = await connectEngine();
  const filters = JSON.stringify({ label: [`sagekit.endpoint=${endpointName}`] });
  return (await docker.listContainers({ all: true, filters })).length;
}

describe('local endpoints', () => {
  let estimator: Estimator;
  const predictors: Predictor[] = [];

  beforeAll(async () => {
    const engine = await connectEngine();
    await buildImage(engine, EXAMPLE_IMAGE, path.join(ROOT, 'examples/linear-regression'), { BASE_IMAGE }, new JobEvents());
    await buildImage(engine, NEVER_HEALTHY_IMAGE, path.join(ROOT, 'test/fixtures/never-healthy'), { BASE_IMAGE }, new JobEvents());
    estimator = new Estimator({
      imageUri: EXAMPLE_IMAGE,
      instanceType: 'local',
      outputPath: path.join(dir, 'output'),
      inputs: { train: path.join(ROOT, 'examples/linear-regression/data/train') },
      hyperparameters: { epochs: 200, learning_rate: 0.1 },
      local: { stateDir },
    });
    await estimator.fit();
  }, 180_000);

  afterAll(async () => {
    await Promise.all(predictors.map((p) => p.delete().catch(() => undefined)));
  });

  it('train → deploy (2 instances) → predict JSON and CSV', async () => {
    const endpointName = `lr-json-${suffix}`;
    const predictor = await estimator.deploy({
      instanceType: 'local',
      initialInstanceCount: 2,
      endpointName,
      serializer: new JSONSerializer(),
      deserializer: new JSONDeserializer(),
    });
    predictors.push(predictor);
    expect(await containersOf(endpointName)).toBe(2);
    const described = (await predictor.describe()) as { EndpointStatus?: string; ProductionVariants?: Array<{ CurrentInstanceCount?: number }> };
    expect(described.EndpointStatus).toBe('InService');
    expect(described.ProductionVariants?.[0]?.CurrentInstanceCount).toBe(2);

    const json = (await predictor.predict({ instances: [0, 2] })) as { predictions: number[] };
    // The data is y = 2.5x - 1 plus noise.
    expect(json.predictions).toHaveLength(2);
    expect(json.predictions[0]).toBeCloseTo(-1, 0);
    expect(json.predictions[1]).toBeCloseTo(4, 0);

    predictor.serializer = new CSVSerializer();
    predictor.deserializer = new CSVDeserializer();
    const csv = (await predictor.predict([[2], [4]])) as string[][];
    expect(csv.map((row) => Math.round(Number(row[0])))).toEqual([4, 9]);
    // Per-call content type and accept win over the serializers'.
    const mixed = (await predictor.predict('[1]', { contentType: 'application/json', accept: 'text/csv' })) as string[][];
    expect(Number(mixed[0]![0])).toBeCloseTo(1.5, 0);
  }, 120_000);

  it('two more endpoints at once (an attached job and a Model of its archive); delete leaves no container', async () => {
    const job = await Estimator.attach(estimator.latestTrainingJob!.name, { stateDir, backend: 'local' });
    const modelData = (await job.modelArtifacts())!;
    const [attached, fromArchive] = await Promise.all([
      job.deploy({ instanceType: 'local', endpointName: `lr-attached-${suffix}`, deserializer: new CSVDeserializer() }),
      new Model({ modelData, imageUri: EXAMPLE_IMAGE }).deploy({
        instanceType: 'local',
        endpointName: `lr-model-${suffix}`,
        local: { stateDir },
        deserializer: new CSVDeserializer(),
      }),
    ]);
    predictors.push(attached, fromArchive);
    const urls = (await listLocalEndpoints({ stateDir })).filter((e) => e.EndpointName!.includes(suffix)).map((e) => e.Local.Url);
    expect(new Set(urls).size).toBe(urls.length);
    for (const predictor of [attached, fromArchive]) {
      expect(await predictor.predict('2', { contentType: 'text/csv', accept: 'text/csv' })).toEqual([[expect.stringMatching(/^4\.\d+$/)]]);
    }
    await Promise.all([attached.delete(), fromArchive.delete()]);
    expect(await containersOf(`lr-attached-${suffix}`)).toBe(0);
    expect(await containersOf(`lr-model-${suffix}`)).toBe(0);
    const left = (await listLocalEndpoints({ stateDir })).map((e) => e.EndpointName);
    expect(left).not.toContain(`lr-attached-${suffix}`);
    expect(left).not.toContain(`lr-model-${suffix}`);
  }, 120_000);

  it('a model that never answers /ping fails within its timeout with the last log lines, leaving no container', async () => {
    const endpointName = `never-healthy-${suffix}`;
    const modelData = (await estimator.latestTrainingJob!.modelArtifacts())!;
    const model = new Model({ modelData, imageUri: NEVER_HEALTHY_IMAGE });
    const error = await model
      .deploy({ instanceType: 'local', endpointName, containerStartupHealthCheckTimeout: 3, local: { stateDir } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as Error).message).toContain('did not pass the health check (GET /ping → 200) within 3s');
    expect((error as Error).message).toContain('instance-1: loading a model that never gets ready');
    expect(await containersOf(endpointName)).toBe(0);
    const [record] = (await listLocalEndpoints({ stateDir })).filter((e) => e.EndpointName === endpointName);
    expect(record?.EndpointStatus).toBe('Failed');
  }, 60_000);

  it('an image without serve fails at once, saying so', async () => {
    const endpointName = `no-serve-${suffix}`;
    const modelData = (await estimator.latestTrainingJob!.modelArtifacts())!;
    const error = await new Model({ modelData, imageUri: BASE_IMAGE })
      .deploy({ instanceType: 'local', endpointName, local: { stateDir } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    // Engines refuse to start a missing command (Podman, Docker) or start it and exit 127.
    expect((error as Error).message).toMatch(/instance-1 could not start "localhost\/sagekit-busybox:latest serve"|instance-1 exited with code 127/);
    expect(await containersOf(endpointName)).toBe(0);
  }, 60_000);
});
