/**
 * Structural schema of {@link EstimatorOptions} (types and allowed keys). Value rules that
 * SageMaker's API enforces (patterns, limits, cross-field rules) live in `rules.ts`, so that
 * every broken rule is reported together with the structural problems.
 */
import { z } from 'zod';
import { deployOptionsSchema } from '../deploy/options.js';
import type { EstimatorOptions } from './options.js';

// zod compiles a parser per object shape (new Function) on its first parse, which pays off after
// many parses; sagekit parses a job once per process.
z.config({ jitless: true });

const integer = z.number().int();
const inputMode = z.enum(['File', 'Pipe', 'FastFile']);
const stringMap = z.record(z.string(), z.string());

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

const trainingInputSchema = z.strictObject({
  s3Data: z.string(),
  distribution: z.enum(['FullyReplicated', 'ShardedByS3Key']).optional(),
  compression: z.enum(['None', 'Gzip']).optional(),
  contentType: z.string().optional(),
  recordWrapping: z.enum(['None', 'RecordIO']).optional(),
  s3DataType: z.enum(['S3Prefix', 'ManifestFile', 'AugmentedManifestFile']).optional(),
  inputMode: inputMode.optional(),
  attributeNames: z.array(z.string()).optional(),
  shuffleConfig: z.strictObject({ seed: z.number().int() }).optional(),
  instanceGroups: z.array(z.string()).optional(),
});

const fileSystemInputSchema = z.strictObject({
  fileSystemId: z.string(),
  fileSystemType: z.enum(['EFS', 'FSxLustre']),
  directoryPath: z.string(),
  fileSystemAccessMode: z.enum(['ro', 'rw']).optional(),
  contentType: z.string().optional(),
  inputMode: inputMode.optional(),
});

/** A channel: URI string, TrainingInput or FileSystemInput (told apart by their keys). */
const channelSchema = z.union([
  z.string(),
  z.custom<object>((v) => typeof v === 'object' && v !== null && 'fileSystemId' in v).pipe(fileSystemInputSchema),
  trainingInputSchema,
]);

const inputsSchema = z.union([z.string(), z.record(z.string(), channelSchema)]);

const localSettingsSchema = z.strictObject({
  stopGracePeriodSeconds: z.number().nonnegative().optional(),
  passAwsCredentials: z.boolean().optional(),
  allowManifestLocalPaths: z.boolean().optional(),
  pull: z.enum(['missing', 'always', 'never']).optional(),
  buildContext: z.string().optional(),
  buildArgs: stringMap.optional(),
  engineHost: z.string().optional(),
  stateDir: z.string().optional(),
});

/** The whole job, strict: unknown keys are errors (reported with "did you mean"). */
export const estimatorOptionsSchema = z.strictObject({
  imageUri: z.string(),
  role: z.string().optional(),
  instanceCount: integer.optional(),
  instanceType: z.string().optional(),
  instanceGroups: z.array(z.strictObject({ instanceGroupName: z.string(), instanceType: z.string(), instanceCount: integer })).optional(),
  volumeSize: integer.optional(),
  volumeKmsKey: z.string().optional(),
  maxRun: integer.optional(),
  inputMode: inputMode.optional(),
  outputPath: z.string().optional(),
  outputKmsKey: z.string().optional(),
  baseJobName: z.string().optional(),
  jobName: z.string().optional(),
  hyperparameters: z.record(z.string(), jsonValue).optional(),
  hyperparameterEncoding: z.enum(['auto', 'json']).optional(),
  tags: z.union([stringMap, z.array(z.strictObject({ key: z.string(), value: z.string() }))]).optional(),
  subnets: z.array(z.string()).optional(),
  securityGroupIds: z.array(z.string()).optional(),
  modelUri: z.string().optional(),
  modelChannelName: z.string().optional(),
  metricDefinitions: z.array(z.strictObject({ name: z.string(), regex: z.string() })).optional(),
  encryptInterContainerTraffic: z.boolean().optional(),
  useSpotInstances: z.boolean().optional(),
  maxWait: integer.optional(),
  checkpointS3Uri: z.string().optional(),
  checkpointLocalPath: z.string().optional(),
  enableNetworkIsolation: z.boolean().optional(),
  rules: z
    .array(
      z.strictObject({
        type: z.enum(['debugger', 'profiler']).optional(),
        name: z.string(),
        imageUri: z.string(),
        instanceType: z.string().optional(),
        volumeSize: integer.optional(),
        ruleParameters: stringMap.optional(),
        containerLocalOutputPath: z.string().optional(),
        s3OutputPath: z.string().optional(),
      }),
    )
    .optional(),
  debuggerHookConfig: z
    .union([
      z.literal(false),
      z.strictObject({
        s3OutputPath: z.string().optional(),
        containerLocalOutputPath: z.string().optional(),
        hookParameters: stringMap.optional(),
        collectionConfigs: z.array(z.strictObject({ name: z.string(), parameters: stringMap.optional() })).optional(),
      }),
    ])
    .optional(),
  tensorboardOutputConfig: z.strictObject({ s3OutputPath: z.string(), containerLocalOutputPath: z.string().optional() }).optional(),
  enableSageMakerMetrics: z.boolean().optional(),
  profilerConfig: z
    .strictObject({
      s3OutputPath: z.string().optional(),
      systemMonitorIntervalMillis: z
        .union(
          [100, 200, 500, 1000, 5000, 60000].map((n) => z.literal(n)) as [
            z.ZodLiteral<100>,
            z.ZodLiteral<200>,
            z.ZodLiteral<500>,
            z.ZodLiteral<1000>,
            z.ZodLiteral<5000>,
            z.ZodLiteral<60000>,
          ],
        )
        .optional(),
    })
    .optional(),
  disableProfiler: z.boolean().optional(),
  environment: stringMap.optional(),
  maxRetryAttempts: integer.optional(),
  inputs: inputsSchema.optional(),
  region: z.string().optional(),
  defaultBucket: z.string().optional(),
  local: localSettingsSchema.optional(),
  entryPoint: z.string().optional(),
  sourceDir: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
  codeLocation: z.string().optional(),
  containerLogLevel: integer.optional(),
  gitConfig: z.strictObject({ repo: z.string(), branch: z.string().optional(), commit: z.string().optional() }).optional(),
  containerEntryPoint: z.array(z.string()).optional(),
  containerArguments: z.array(z.string()).optional(),
  keepAlivePeriodInSeconds: integer.optional(),
  disableOutputCompression: z.boolean().optional(),
  trainingRepositoryAccessMode: z.enum(['Platform', 'Vpc']).optional(),
  trainingRepositoryCredentialsProviderArn: z.string().optional(),
  enableInfraCheck: z.boolean().optional(),
  enableRemoteDebug: z.boolean().optional(),
  enableSessionTagChaining: z.boolean().optional(),
  trainingPlan: z.string().optional(),
  instancePlacementConfig: z
    .strictObject({
      enableMultipleJobs: z.boolean().optional(),
      placementSpecifications: z.array(z.strictObject({ ultraServerId: z.string().optional(), instanceCount: integer })).optional(),
    })
    .optional(),
  sourceCode: z
    .strictObject({
      sourceDir: z.string(),
      entryScript: z.string().optional(),
      command: z.string().optional(),
      requirements: z.string().optional(),
    })
    .optional(),
  deploy: deployOptionsSchema.optional(),
});

// Compile-time guard: the schema and the documented interface must describe the same thing.
type Parsed = z.infer<typeof estimatorOptionsSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesInterface: Same<keyof Parsed, keyof EstimatorOptions> = true;
void schemaMatchesInterface;
