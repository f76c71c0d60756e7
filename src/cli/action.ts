/** How command modules hand their exit codes to the program (types only, so commands never import main.ts). */

/** Sets the exit code of an action; commands call it with their result. */
export type ExitSetter = (code: number) => void;

/** Wraps an async action so its result (or error) becomes the exit code. */
export type ActionWrapper = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;
