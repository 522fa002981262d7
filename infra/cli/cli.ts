/**
 * The `cdp` command dispatcher: `cdp <command> [arguments]`. Each command is a module in `commands/`, listed
 * once in `cliCommands`.
 */
import type { CliCommand, CliIo } from './command.ts';
import { backtestCommand } from './commands/backtest.ts';
import { fitCommand } from './commands/fit.ts';
import { importCommand } from './commands/import.ts';
import { profileCommand } from './commands/profile.ts';
import { queryCommand } from './commands/query.ts';
import { runCommand } from './commands/run.ts';
import { scoreCommand } from './commands/score.ts';
import { scoreFileCommand } from './commands/score-file.ts';
import { sourcesCommand } from './commands/sources.ts';

export const cliCommands: readonly CliCommand[] = [
  queryCommand,
  sourcesCommand,
  profileCommand,
  importCommand,
  fitCommand,
  scoreFileCommand,
  scoreCommand,
  backtestCommand,
  runCommand,
];

export function cliUsage(commands: readonly CliCommand[] = cliCommands): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n');
  return `Usage: cdp <command> [arguments]\n\nCommands:\n${list}\n\nRun cdp <command> --help for a command's options.\n`;
}

/** Runs the command `argv` names; resolves with the process exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CliCommand[] = cliCommands,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr(cliUsage(commands));
    return 1;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(cliUsage(commands));
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr(`cdp: unknown command '${name}' (run cdp --help for the commands)\n`);
    return 1;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    io.stderr(`cdp ${name}: ${firstLine(error)}\n`);
    return 1;
  }
}

/** Engines report errors over several lines (DuckDB adds the SQL with a caret); the first says what is wrong. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? message;
}
