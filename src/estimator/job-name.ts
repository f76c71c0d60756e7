/**
 * Job names the way the Python SDK makes them: `<base>-<yyyy-mm-dd-HH-MM-SS-mmm>` (UTC), the
 * base being `baseJobName` or the image's repository name, cut so the whole name fits the
 * API's 63 characters.
 */
import { LIMITS } from './rule-basics.js';

const IMAGE_PATTERN = /^(.+\/)?([^:/]+)(:[^:]+)?$/;

/** The repository name of an image URI (`…/my-algo:latest` → `my-algo`), made a valid job-name base. */
export function baseNameFromImage(imageUri: string): string {
  const withoutDigest = imageUri.split('@')[0] ?? imageUri;
  const repository = IMAGE_PATTERN.exec(withoutDigest)?.[2] ?? withoutDigest;
  // Repository names may hold '_' and '.', which job names refuse; SageMaker users expect a name anyway.
  const cleaned = repository.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned || 'sagekit';
}

/** `yyyy-mm-dd-HH-MM-SS-mmm` in UTC (23 characters). */
export function jobTimestamp(now: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return [
    now.getUTCFullYear(),
    pad(now.getUTCMonth() + 1),
    pad(now.getUTCDate()),
    pad(now.getUTCHours()),
    pad(now.getUTCMinutes()),
    pad(now.getUTCSeconds()),
    pad(now.getUTCMilliseconds(), 3),
  ].join('-');
}

/** A unique job name from a base and a time: base cut to 39 characters, then `-` + timestamp. */
export function nameFromBase(base: string, now: Date): string {
  const trimmed = base.slice(0, LIMITS.baseJobNameLength).replace(/-+$/, '');
  return `${trimmed || 'sagekit'}-${jobTimestamp(now)}`;
}
