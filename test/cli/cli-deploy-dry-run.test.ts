/** `sagekit deploy --config job.yaml --dry-run`: the three requests of the deploy: section; no engine, no AWS. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCli } from '../helpers/cli.js';
import { PARITY_DIR } from '../helpers/parity.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-cli-deploy-'));
const offline = {
  AWS_REGION: '',
  AWS_PROFILE: '',
  AWS_CONFIG_FILE: path.join(dir, 'none'),
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  SAGEKIT_STATE_DIR: path.join(dir, 'state'),
};

interface DeployVector {
  config: Record<string, unknown>;
  deployConfig: Record<string, unknown>;
  requests: Record<'create_model' | 'create_endpoint_config' | 'create_endpoint', unknown[]>;
}

function vector(name: string): DeployVector {
  return JSON.parse(readFileSync(path.join(PARITY_DIR, 'deploy', `${name}.json`), 'utf8')) as DeployVector;
}

function jobFile(name: string, content: Record<string, unknown>): string {
  const file = path.join(dir, name);
  writeFileSync(file, YAML.stringify(content));
  return file;
}

const GENERATED = /^my-algo-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}$/;

describe('sagekit deploy --dry-run', () => {
  it('deploy, invoke and endpoints are listed, with help and examples', async () => {
    const help = await runCli(['--help']);
    for (const command of ['deploy', 'invoke', 'endpoints']) expect(help.stdout).toContain(command);
    expect(help.stdout).not.toContain('_serve-endpoint');
    for (const args of [
      ['deploy', '--help'],
      ['invoke', '--help'],
      ['endpoints', '--help'],
      ['endpoints', 'delete', '--help'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toContain('Examples:');
    }
    expect((await runCli(['endpoints', 'describe'])).code).toBe(2);
  });

  it('prints exactly the SDK requests of a named deployment (d02)', async () => {
    const v = vector('d02_deploy_named_env_tags');
    const r = await runCli(['deploy', '--config', jobFile('d02.yaml', { ...v.config, deploy: v.deployConfig }), '--dry-run'], { env: offline });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      CreateModel: v.requests.create_model[0],
      CreateEndpointConfig: v.requests.create_endpoint_config[0],
      CreateEndpoint: v.requests.create_endpoint[0],
    });
  });

  it('generates one name from the training image for model, config and endpoint; flags override the file (d04)', async () => {
    const v = vector('d04_deploy_serverless_off_data_capture');
    const file = jobFile('d04.yaml', { ...v.config, deploy: v.deployConfig });
    const r = await runCli(['deploy', '--config', file, '--dry-run', '--env', 'A=1', '--initial-instance-count', '3'], { env: offline });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      CreateModel: { ModelName: string; PrimaryContainer: Record<string, unknown> };
      CreateEndpointConfig: { EndpointConfigName: string; ProductionVariants: Array<Record<string, unknown>> };
      CreateEndpoint: { EndpointName: string; EndpointConfigName: string };
    };
    expect(out.CreateModel.ModelName).toMatch(GENERATED);
    expect(out.CreateEndpointConfig.EndpointConfigName).toBe(out.CreateModel.ModelName);
    expect(out.CreateEndpoint).toEqual({ EndpointName: out.CreateModel.ModelName, EndpointConfigName: out.CreateModel.ModelName, Tags: [] });
    expect(out.CreateModel.PrimaryContainer).toEqual({
      ...(v.requests.create_model[0] as { PrimaryContainer: object }).PrimaryContainer,
      Environment: { A: '1' },
    });
    expect(out.CreateEndpointConfig.ProductionVariants[0]).toMatchObject({ InitialInstanceCount: 3, ModelDataDownloadTimeoutInSeconds: 600 });
  });

  it('bad deploy settings exit 2 naming field, value and rule, before anything is contacted', async () => {
    const v = vector('d01_deploy_minimal');
    const file = jobFile('bad.yaml', { ...v.config, deploy: { instanceType: 'ml.m5.large', initialInstanceCount: 0, endpointName: '-x' } });
    const r = await runCli(['deploy', '--config', file, '--dry-run'], { env: offline });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('deploy.initialInstanceCount: must be an integer between 1 and 10000 (got 0)');
    expect(r.stderr).toContain('deploy.endpointName:');
    const noType = await runCli(['deploy', '--config', jobFile('notype.yaml', v.config), '--dry-run'], { env: offline });
    expect(noType.code).toBe(2);
    expect(noType.stderr).toContain('instanceType: is required to deploy');
    const badFlag = await runCli(['deploy', '--config', path.join(dir, 'notype.yaml'), '--dry-run', '--initial-instance-count', 'two'], { env: offline });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--initial-instance-count: must be a number (got "two")');
  });
});
