/** The user's code of a script-mode job as the backends receive it (types only, shared by every layer). */

/**
 * A git repository holding the training code (the SDK's `git_config`). sagekit clones it with the
 * system `git` into a temporary directory before the job; `sourceDir`, `entryPoint` and
 * `dependencies` are then relative to the repository's root.
 */
export interface GitConfig {
  /** Anything `git clone` accepts: `https://…`, `git@…`, `file:///…`. */
  repo: string;
  /** Branch to check out (default: the remote's default branch). */
  branch?: string;
  /** Commit to check out (after `branch`). */
  commit?: string;
}

/** The user's code of a script-mode job, as the backends need it. */
export interface ScriptCode {
  /** `sagemaker_program`: the entry point relative to the code's root. */
  program: string;
  /** Local code folder (absolute; relative to the clone with `gitConfig`); absent for a lone entry point. */
  sourceDir?: string;
  /** The entry point: relative to `sourceDir` when that is set, else a path of the lone script. */
  entryPoint: string;
  /** Folders or files copied beside the code (absolute, or relative to the clone with `gitConfig`). */
  dependencies: string[];
  /** Clone this first; the paths above are then inside the clone. */
  gitConfig?: GitConfig;
  /** `s3://…/sourcedir.tar.gz` the aws backend uploads the packed code to (cloud jobs with local code). */
  uploadUri?: string;
  /** KMS key of that upload (the SDK uses outputKmsKey when the code goes to the output bucket). */
  kmsKey?: string;
}
