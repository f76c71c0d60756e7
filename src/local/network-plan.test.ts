import { describe, expect, it } from 'vitest';
import { candidateSubnets, isSubnetConflict, prefixFor, subnetAddresses } from './network-plan.js';

describe('job network subnets', () => {
  it('picks /24s of 10.213.0.0/16 that overlap nothing in use, from the given offset', () => {
    expect(candidateSubnets([], 2, 0)[0]).toBe('10.213.0.0/24');
    expect(candidateSubnets([], 2, 7)[0]).toBe('10.213.7.0/24');
    expect(candidateSubnets(['10.213.7.0/24', '10.213.8.128/25'], 2, 7).slice(0, 2)).toEqual(['10.213.9.0/24', '10.213.10.0/24']);
    // A user's network or VPN over the whole pool leaves nothing.
    expect(candidateSubnets(['10.0.0.0/8'], 2)).toEqual([]);
    expect(candidateSubnets(['not-a-subnet', '10.88.0.0/16'], 1)).toHaveLength(256);
  });

  it('sizes the subnet for the host count', () => {
    expect(prefixFor(4)).toBe(24);
    expect(prefixFor(253)).toBe(24);
    expect(prefixFor(254)).toBe(23);
    expect(candidateSubnets([], 300, 1)[0]).toBe('10.213.2.0/23');
  });

  it('gives the gateway .1 and hosts .2 onwards', () => {
    expect(subnetAddresses('10.213.5.0/24', 3)).toEqual({ gateway: '10.213.5.1', hosts: ['10.213.5.2', '10.213.5.3', '10.213.5.4'] });
    expect(() => subnetAddresses('10.213.5.0/30', 3)).toThrow(/cannot hold 3 hosts/);
  });

  it('recognises the engines\' "subnet taken" refusals', () => {
    expect(isSubnetConflict(new Error('(HTTP code 403) unexpected - Pool overlaps with other one on this address space'))).toBe(true);
    expect(isSubnetConflict(new Error('subnet 10.213.5.0/24 is already used on the host or by another config'))).toBe(true);
    expect(isSubnetConflict(new Error('permission denied'))).toBe(false);
  });
});
