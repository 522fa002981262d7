/** What every `cdp` command is given and must provide, so commands are small modules the dispatcher lists. */
import { CdpError } from '../../shared/errors.ts';

/** The process's outside world, passed in so commands run in-process in tests. */
export interface CliIo {
  /** Results only, so that they can be piped. */
  readonly stdout: (text: string) => void;
  /** Diagnostics, usage and errors. */
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  readonly name: string;
  /** One line for `cdp --help`. */
  readonly summary: string;
  /** Resolves with the exit code. A thrown error becomes a one-line message on stderr and exit code 1. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A command line the user can fix: wrong options, missing arguments, missing local data. */
export class CliUsageError extends CdpError {}
