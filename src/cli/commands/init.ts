/** `sagekit init [dir]`: scaffold a job file, a Dockerfile and a train script. */
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { baseNameFromImage } from '../../estimator/job-name.js';
import type { CliContext } from '../context.js';
import { initTemplates } from '../init-templates.js';
import type { ActionWrapper } from '../action.js';

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** Registers `sagekit init`. */
export function registerInit(program: Command, context: CliContext, wrap: ActionWrapper): void {
  program
    .command('init [dir]')
    .description('create a ready-to-train job: job.yaml, Dockerfile, train script and sample data')
    .option('--name <name>', 'image and job base name (default: the directory name)')
    .option('--base-image <image>', 'base image for the Dockerfile (needs a shell and awk)', 'busybox:1.36')
    .option('--force', 'overwrite existing files')
    .addHelpText('after', '\nExamples:\n  $ sagekit init my-job && cd my-job && sagekit train --config job.yaml')
    .action(
      wrap(async (dir: string | undefined, flags: { name?: string; baseImage: string; force?: boolean }) => {
        const target = path.resolve(dir ?? '.');
        const name = baseNameFromImage(flags.name ?? path.basename(target)).toLowerCase();
        const files = initTemplates(name, flags.baseImage);
        if (!flags.force) {
          const taken = [];
          for (const file of files) if (await exists(path.join(target, file.path))) taken.push(file.path);
          if (taken.length) throw new UsageError(`${target} already has ${taken.join(', ')}`, 'pass --force to overwrite, or choose another directory');
        }
        for (const file of files) {
          const full = path.join(target, file.path);
          await mkdir(path.dirname(full), { recursive: true });
          await writeFile(full, file.content);
          if (file.mode) await chmod(full, file.mode);
        }
        const shown = path.relative(process.cwd(), target) || '.';
        if (context.flags().json) {
          context.printJson({ directory: target, files: files.map((f) => f.path), image: `localhost/${name}:latest` });
        } else {
          context.term.line(`created ${files.map((f) => path.join(shown, f.path)).join(', ')}`);
          context.term.line(`next: sagekit train --config ${path.join(shown, 'job.yaml')}`);
        }
        return 0;
      }),
    );
}
