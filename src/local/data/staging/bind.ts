/**
 * The `bind` strategy: an existing `file://` directory is bind-mounted read-only as the channel
 * directory of every host, and an existing `file://` file at `<channel>/<basename>`. Nothing is
 * copied (symbolic links inside a bound directory stay links, so links pointing outside it
 * dangle in the container).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChannelPlan } from './plan.js';
import { channelTarget, hostChannelPath, type StageContext } from './staged.js';

/** Binds the plan's local directory or file into every host. */
export async function stageBind(plan: Extract<ChannelPlan, { strategy: 'bind' }>, ctx: StageContext): Promise<void> {
  const { channel, local } = plan;
  for (const [i, hostDir] of ctx.hostDirs.entries()) {
    const dir = hostChannelPath(hostDir, channel);
    await mkdir(dir, { recursive: true });
    if (local.type === 'local-dir') {
      ctx.parts.binds[i]!.push({ source: local.path, target: channelTarget(channel), readOnly: true });
      continue;
    }
    const base = path.basename(local.path);
    // The engine needs an existing mount point of the same kind (a file) inside the /opt/ml bind.
    await writeFile(path.join(dir, base), '', { flag: 'a' });
    ctx.parts.binds[i]!.push({ source: local.path, target: `${channelTarget(channel)}/${base}`, readOnly: true });
  }
}
