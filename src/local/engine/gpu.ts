/**
 * Whether the engine can give containers GPUs, checked before a `local_gpu` job starts: Docker
 * needs the NVIDIA runtime (nvidia-container-toolkit registers it) or CDI; Podman needs a CDI
 * spec naming `nvidia.com/gpu` (`nvidia-ctk cdi generate`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import { engineInfo, type EngineKind } from './info.js';

/** Where CDI specs live (the CDI spec's default directories). */
const CDI_DIRS = ['/etc/cdi', '/var/run/cdi'];

/** Whether any CDI spec in `dirs` declares NVIDIA GPUs. */
export function hasNvidiaCdiSpec(dirs: string[] = CDI_DIRS): boolean {
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => /\.(ya?ml|json)$/.test(n))) {
      if (/nvidia\.com\/gpu/.test(readFileSync(path.join(dir, name), 'utf8'))) return true;
    }
  }
  return false;
}

/** What Docker's `/info` says about GPU support (pure, for tests). */
export function dockerHasGpus(info: { Runtimes?: Record<string, unknown>; CDISpecDirs?: string[] }): boolean {
  return Object.keys(info.Runtimes ?? {}).includes('nvidia') || (info.CDISpecDirs !== undefined && hasNvidiaCdiSpec(info.CDISpecDirs));
}

/** Returns the engine kind for {@link gpuHostConfig}, or throws (exit 3) saying what is missing. */
export async function assertGpuSupport(docker: Docker): Promise<EngineKind> {
  const { kind } = await engineInfo(docker);
  if (kind === 'podman') {
    if (hasNvidiaCdiSpec()) return kind;
    throw new EnvironmentError(
      'instanceType local_gpu: Podman has no GPU to give (no CDI spec for nvidia.com/gpu in /etc/cdi or /var/run/cdi)',
      'install the NVIDIA Container Toolkit and run: nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml; or use instanceType: local',
    );
  }
  if (dockerHasGpus((await docker.info()) as { Runtimes?: Record<string, unknown>; CDISpecDirs?: string[] })) return kind;
  throw new EnvironmentError(
    'instanceType local_gpu: this Docker Engine has no GPU support (no nvidia runtime, no NVIDIA CDI spec)',
    'install the NVIDIA Container Toolkit (nvidia-ctk runtime configure --runtime=docker, then restart Docker); or use instanceType: local',
  );
}
