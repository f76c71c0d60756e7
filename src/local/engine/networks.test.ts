import { describe, expect, it } from 'vitest';
import { networkSpec } from './networks.js';

describe('networkSpec', () => {
  it('a labelled bridge on the chosen subnet, its gateway at .1', () => {
    const labels = { 'sagekit.managed': 'true', 'sagekit.job': 'j' };
    expect(networkSpec({ name: 'sagekit-j-1', labels, internal: false, hosts: 3 }, '10.213.7.0/24')).toEqual({
      Name: 'sagekit-j-1',
      Driver: 'bridge',
      Internal: false,
      CheckDuplicate: true,
      Labels: labels,
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.213.7.0/24', Gateway: '10.213.7.1' }] },
    });
  });

  it('network isolation makes it internal (no route out); a subnet too small is refused', () => {
    expect(networkSpec({ name: 'n', labels: {}, internal: true, hosts: 2 }, '10.213.8.0/24').Internal).toBe(true);
    expect(() => networkSpec({ name: 'n', labels: {}, internal: false, hosts: 300 }, '10.213.8.0/24')).toThrow('cannot hold 300 hosts');
  });
});
