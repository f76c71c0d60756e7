/**
 * Paths inside a container that sagekit binds host folders at (`CheckpointConfig.LocalPath`) or
 * passes on (debugger and TensorBoard output paths). They reach the engine's bind syntax
 * (`source:target:options`), so a `:` or `,` in one would add options or another mount
 * (`/x:/etc:rw`); `..` segments and sagekit's own /opt/ml folders would move or hide its mounts.
 */
import path from 'node:path';

/** sagekit's own folders under /opt/ml: a bound path there would hide what sagekit mounts. */
const OWN_FOLDERS = ['/opt/ml/input', '/opt/ml/model', '/opt/ml/output', '/opt/ml/code'];
/** The kernel's and the engine's own mounts. */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

const within = (value: string, folder: string) => value === folder || value.startsWith(`${folder}/`);

/**
 * Why `value` cannot be a container path, or undefined when it can. `bound`: sagekit bind-mounts
 * a host folder there (stricter: not over its own or the system's folders).
 */
export function containerPathProblem(value: string, options: { bound?: boolean } = {}): string | undefined {
  if (!value.startsWith('/')) return 'must be an absolute path inside the container';
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  if (/[:,]/.test(value)) return "must not contain ':' or ',' (they are separators of the engines' bind syntax)";
  const normal = path.posix.normalize(value).replace(/(.)\/$/, '$1');
  if (normal !== value.replace(/(.)\/$/, '$1')) return "must be a normalized path (no '.', '..' or empty segments)";
  if (options.bound) {
    if (normal === '/' || normal === '/opt' || normal === '/opt/ml') return `must not be ${normal}: it would hide the container's own folders`;
    const own = OWN_FOLDERS.find((folder) => within(normal, folder));
    if (own) return `must not be in ${own}, where sagekit mounts the job's own files (use e.g. /opt/ml/checkpoints)`;
    const system = SYSTEM_FOLDERS.find((folder) => within(normal, folder));
    if (system) return `must not be in ${system}`;
  }
  return undefined;
}
