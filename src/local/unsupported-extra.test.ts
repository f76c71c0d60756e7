import { describe, expect, it } from 'vitest';
import { unsupportedFieldWarnings } from './unsupported.js';

describe('cloud-only options on the local backend', () => {
  it('names each one once', () => {
    const warnings = unsupportedFieldWarnings({
      ResourceConfig: {
        VolumeSizeInGB: 30,
        KeepAlivePeriodInSeconds: 60,
        TrainingPlanArn: 'arn:aws:sagemaker:us-west-2:111122223333:training-plan/p',
        InstancePlacementConfig: { EnableMultipleJobs: true },
      },
      InfraCheckConfig: { EnableInfraCheck: true },
      RemoteDebugConfig: { EnableRemoteDebug: true },
      SessionChainingConfig: { EnableSessionTagChaining: true },
      AlgorithmSpecification: {
        TrainingInputMode: 'File',
        TrainingImageConfig: { TrainingRepositoryAccessMode: 'Vpc', TrainingRepositoryAuthConfig: { TrainingRepositoryCredentialsProviderArn: 'arn:x' } },
      },
    } as never);
    expect(warnings.map((w) => w.split(' is not honoured')[0])).toEqual([
      'keepAlivePeriodInSeconds',
      'trainingPlan',
      'instancePlacementConfig',
      'enableInfraCheck',
      'enableRemoteDebug',
      'enableSessionTagChaining',
      'trainingRepositoryCredentialsProviderArn',
    ]);
    expect(unsupportedFieldWarnings({ AlgorithmSpecification: { TrainingImageConfig: { TrainingRepositoryAccessMode: 'Vpc' } } } as never)).toEqual([
      "trainingRepositoryAccessMode is not honoured by local jobs: the engine pulls the image from this machine's network",
    ]);
  });
});
