import { describe, expect, it } from 'vitest';
import { containerCommand } from './command.js';

describe('containerCommand', () => {
  it('runs the image entry point with train by default', () => {
    expect(containerCommand({ AlgorithmSpecification: { TrainingInputMode: 'File' } } as never)).toEqual({ Cmd: ['train'] });
  });
  it('ContainerArguments replace train', () => {
    expect(containerCommand({ AlgorithmSpecification: { ContainerArguments: ['serve', '-v'] } } as never)).toEqual({ Cmd: ['serve', '-v'] });
  });
  it('ContainerEntrypoint replaces the entry point and gets only the arguments', () => {
    expect(containerCommand({ AlgorithmSpecification: { ContainerEntrypoint: ['python3', 'x.py'] } } as never)).toEqual({
      Entrypoint: ['python3', 'x.py'],
      Cmd: [],
    });
    expect(containerCommand({ AlgorithmSpecification: { ContainerEntrypoint: ['sh'], ContainerArguments: ['-c', 'true'] } } as never)).toEqual({
      Entrypoint: ['sh'],
      Cmd: ['-c', 'true'],
    });
  });
});
