/**
 * The private network of a multi-host (or merely networked) local job. Docker only lets
 * containers have fixed addresses on networks created with an explicit subnet, and fixed
 * addresses are what make every `algo-i` resolvable (through each container's hosts file) from
 * the first instruction of `train`, whatever order the containers start in. So the subnet is
 * always chosen here — from a pool of /24s, avoiding those the engine's networks and this
 * machine's interfaces already use — on Docker and Podman alike.
 */
import { networkInterfaces } from 'node:os';

/** First two octets of the pool the job networks' subnets come from (10.213.0.0/16). */
const POOL_PREFIX = [10, 213] as const;
const POOL_SIZE = 256;

/** An IPv4 subnet in CIDR notation, parsed. */
interface Cidr {
  start: number;
  bits: number;
}

function parseCidr(cidr: string): Cidr | undefined {
  const [base, bitsText] = cidr.split('/');
  const octets = (base ?? '').split('.').map(Number);
  const bits = Number(bitsText);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return { start: address - (address % size), bits };
}

function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.start + 2 ** (32 - a.bits);
  const bEnd = b.start + 2 ** (32 - b.bits);
  return a.start < bEnd && b.start < aEnd;
}

function formatAddress(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The prefix length that holds `hosts` containers plus network, gateway and broadcast. */
export function prefixFor(hosts: number): number {
  let bits = 24;
  while (bits > 16 && 2 ** (32 - bits) < hosts + 3) bits--;
  return bits;
}

/**
 * Subnets to try for a job network, in order: /24s (or larger for big jobs) of the pool that
 * overlap none of `used`, starting at `offset` so concurrent jobs rarely pick the same one.
 */
export function candidateSubnets(used: string[], hosts: number, offset = 0): string[] {
  const bits = prefixFor(hosts);
  const step = 2 ** (24 - bits);
  const taken = used.map(parseCidr).filter((c): c is Cidr => c !== undefined);
  const base = (POOL_PREFIX[0] * 256 + POOL_PREFIX[1]) * 65536;
  const slots = POOL_SIZE / step;
  const result: string[] = [];
  for (let i = 0; i < slots; i++) {
    const third = ((offset + i) % slots) * step;
    const candidate = { start: base + third * 256, bits };
    if (!taken.some((t) => overlaps(candidate, t))) result.push(`${formatAddress(candidate.start)}/${bits}`);
  }
  return result;
}

/** Gateway (.1) and host addresses (.2, .3, …) of a subnet. */
export function subnetAddresses(subnet: string, count: number): { gateway: string; hosts: string[] } {
  const cidr = parseCidr(subnet);
  if (!cidr || 2 ** (32 - cidr.bits) < count + 3) throw new Error(`subnet ${subnet} cannot hold ${count} hosts`);
  return {
    gateway: formatAddress(cidr.start + 1),
    hosts: Array.from({ length: count }, (_, i) => formatAddress(cidr.start + 2 + i)),
  };
}

/** IPv4 subnets of this machine's own interfaces (a VPN's, a LAN's), which a job network must not shadow. */
export function localInterfaceSubnets(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i): i is NonNullable<typeof i> => i !== undefined && i.family === 'IPv4' && !i.internal && i.cidr !== null)
    .map((i) => i.cidr!);
}

/** Whether an engine refused a subnet because another network (maybe a concurrent job's) has it. */
export function isSubnetConflict(error: unknown): boolean {
  return /overlap|already (in )?use|is being used|conflict/i.test((error as Error).message ?? '');
}
