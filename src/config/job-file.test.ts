import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { applyOverrides, loadJobFile, parseJobText } from './job-file.js';

describe('job files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-jobfile-'));

  it('resolves relative local paths against the file, leaves URIs alone', async () => {
    const file = path.join(dir, 'job.yaml');
    writeFileSync(
      file,
      [
        'imageUri: img',
        'instanceType: local',
        'outputPath: ./out',
        'modelUri: s3://bucket1/m.tar.gz',
        'inputs:',
        '  train: data/train',
        '  val: { s3Data: ../val, contentType: text/csv }',
        '  remote: file:///srv/x',
        'local: { buildContext: . }',
      ].join('\n'),
    );
    const { options } = await loadJobFile(file);
    expect(options.outputPath).toBe(path.join(dir, 'out'));
    expect(options.modelUri).toBe('s3://bucket1/m.tar.gz');
    expect(options.inputs).toEqual({
      train: path.join(dir, 'data/train'),
      val: { s3Data: path.resolve(dir, '../val'), contentType: 'text/csv' },
      remote: 'file:///srv/x',
    });
    expect(options.local).toEqual({ buildContext: dir });
  });

  it('applies --set with dotted paths and YAML values', () => {
    const result = applyOverrides({ hyperparameters: { epochs: 1 }, metricDefinitions: [{ name: 'a', regex: 'x' }] }, [
      'hyperparameters.epochs=20',
      'hyperparameters.lr=0.5',
      'hyperparameters.name=resnet',
      'useSpotInstances=true',
      'tags.team=ml',
      'metricDefinitions.0.regex=loss=(\\S+)',
      'subnets=[subnet-1, subnet-2]',
      'environment.EMPTY=',
    ]);
    expect(result).toEqual({
      hyperparameters: { epochs: 20, lr: 0.5, name: 'resnet' },
      metricDefinitions: [{ name: 'a', regex: 'loss=(\\S+)' }],
      useSpotInstances: true,
      tags: { team: 'ml' },
      subnets: ['subnet-1', 'subnet-2'],
      environment: { EMPTY: '' },
    });
  });

  it('rejects malformed --set', () => {
    expect(() => applyOverrides({}, ['epochs'])).toThrow('--set epochs: expected key=value (e.g. --set hyperparameters.epochs=20)');
    expect(() => applyOverrides({}, ['a..b=1'])).toThrow('--set a..b=1: empty segment in key "a..b"');
  });

  it('reports syntax errors with line and column, and wrong document kinds', () => {
    expect(() => parseJobText('imageUri: [unclosed', 'job.yaml')).toThrow(/^cannot parse job\.yaml:1:\d+: /);
    expect(() => parseJobText('- a\n- b', 'job.yaml')).toThrow('job.yaml must contain a mapping of options (imageUri, instanceType, …), not a list');
    expect(() => parseJobText('', 'job.yaml')).toThrow('job.yaml is empty');
    expect(() => parseJobText('a: 1\na: 2', 'job.yaml')).toThrow(UsageError);
  });

  it('names a missing file', async () => {
    await expect(loadJobFile(path.join(dir, 'nope.yaml'))).rejects.toThrow(/^job file not found: /);
  });
});
