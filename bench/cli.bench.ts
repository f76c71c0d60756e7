/**
 * Start-up of the `sagekit` CLI as users run it — a fresh `node bin/sagekit.js …` process per
 * run, alternated with a fresh `node -e 1` (Node's own start-up), medians:
 * - `sagekit --help` and `sagekit train --config job.json --dry-run` (goal ≤ 2x);
 * - `sagekit list` with 1 000 job records and `sagekit describe NAME` among them (≤ 2x, ≤ 3x).
 * No container engine needed. Run alone: `node --import tsx bench/cli.bench.ts` (after `npm run build`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { JobPaths, writeDescribe } from '../src/local/record.js';
import { alternate, failureText, runProcess, runSagekit } from './processes.js';
import { isMain, printResults, type BenchResult } from './result.js';

const RUNS = Number(process.env.SAGEKIT_BENCH_STARTUP_RUNS ?? 11);
const RECORDS = 1000;

/** A finished one-host local job's record, as the local backend writes it. */
function record(index: number): DescribeTrainingJobResponse {
  const created = new Date(Date.UTC(2026, 0, 1) + index * 60_000);
  const at = (seconds: number) => new Date(created.getTime() + seconds * 1000);
  const name = `bench-job-${String(index).padStart(4, '0')}`;
  const transitions = (['Starting', 'Downloading', 'Training', 'Uploading', 'Completed'] as const).map((status, i) => ({
    Status: status,
    StartTime: at(i),
    StatusMessage: `${status} the training job`,
  }));
  return {
    TrainingJobName: name,
    TrainingJobArn: `arn:aws:sagemaker:local:000000000000:training-job/${name}`,
    TrainingJobStatus: 'Completed',
    SecondaryStatus: 'Completed',
    AlgorithmSpecification: { TrainingImage: 'localhost/sagekit-bench:latest', TrainingInputMode: 'File' },
    RoleArn: 'arn:aws:iam::000000000000:role/local',
    OutputDataConfig: { S3OutputPath: 'file:///tmp/out' },
    ResourceConfig: { InstanceType: 'local' as never, InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    ModelArtifacts: { S3ModelArtifacts: `file:///tmp/out/${name}/output/model.tar.gz` },
    CreationTime: created,
    TrainingStartTime: at(1),
    TrainingEndTime: at(4),
    LastModifiedTime: at(5),
    TrainingTimeInSeconds: 3,
    BillableTimeInSeconds: 3,
    SecondaryStatusTransitions: transitions,
    FinalMetricDataList: [{ MetricName: 'train:loss', Value: 0.125, Timestamp: at(3) }],
  };
}

async function rowFor(name: string, args: string[], goal: number, env: NodeJS.ProcessEnv): Promise<BenchResult> {
  const baseline = () => runProcess(process.execPath, ['-e', '1'], env);
  const subject = () => runSagekit(args, env);
  await subject(); // warm the page cache
  const measured = await alternate(RUNS, baseline, subject);
  const failure = measured.subjectFailure ?? measured.baselineFailure;
  if (failure) return { name, baseline: 'node -e 1', ratio: NaN, goal: `<= ${goal}x`, pass: false, details: failureText(failure) };
  const ratio = measured.subject / measured.baseline;
  return {
    name,
    baseline: 'node -e 1',
    ratio,
    goal: `<= ${goal}x`,
    pass: ratio <= goal,
    details: `sagekit ${measured.subject.toFixed(0)} ms, node ${measured.baseline.toFixed(0)} ms (medians of ${RUNS}, alternated)`,
  };
}

export async function run(): Promise<BenchResult[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sagekit-bench-startup-'));
  try {
    const stateDir = path.join(dir, 'state');
    for (let i = 0; i < RECORDS; i++) {
      const doc = record(i);
      await writeDescribe(new JobPaths(stateDir, doc.TrainingJobName!), doc);
    }
    const job = path.join(dir, 'job.json');
    await writeFile(
      job,
      JSON.stringify({ imageUri: 'localhost/sagekit-bench:latest', instanceType: 'local', outputPath: path.join(dir, 'out'), hyperparameters: { epochs: 3 } }),
    );
    const env = { ...process.env, SAGEKIT_STATE_DIR: stateDir };
    return [
      await rowFor('sagekit --help', ['--help'], 2, env),
      await rowFor('sagekit train --dry-run (local job file)', ['train', '--config', job, '--dry-run'], 2, env),
      await rowFor(`sagekit describe (among ${RECORDS} records)`, ['describe', record(RECORDS - 1).TrainingJobName!], 2, env),
      await rowFor(`sagekit list (${RECORDS} job records)`, ['list', '--backend', 'local', '--max', String(RECORDS)], 3, env),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printResults(await run());
}
