/**
 * `cdp run <function>`: runs one of the platform's scheduled functions now on the running local platform —
 * the lake upkeep (`compact`: compaction, the identity-map snapshot, erasures' lake pass) rather than waiting
 * for its hourly schedule. The local scheduler queues it behind a run in progress, so it never overlaps one.
 */
import { parseArgs } from 'node:util';
import { functions } from '../../topology.ts';
import { callAdminApi } from '../admin-api.ts';
import { type CliCommand, type CliIo, CliUsageError } from '../command.ts';

const scheduled = Object.entries(functions)
  .filter(([, spec]) => spec.triggers.some((trigger) => trigger.kind === 'schedule'))
  .map(([name]) => name);

export const runUsage = `Usage: cdp run <function> [options]

Runs a scheduled function of the running local platform now and prints what it returned, e.g.
  cdp run compact      # lake upkeep: compaction, identity-map snapshot, erasures' lake pass
Scheduled functions: ${scheduled.join(', ')}.
In AWS, invoke the deployed function instead: aws lambda invoke --function-name <name> out.json

Options:
  --url <url>         the platform's API (default: the running local platform's, else http://localhost:$PORT)
  --token <token>     the admin token (default: $CDP_ADMIN_TOKEN, else the local data dir's)
  --data-dir <dir>    the local data dir (default: $CDP_DATA_DIR or .cdp)
  -h, --help          print this help
`;

const options = {
  url: { type: 'string' },
  token: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run a scheduled function (e.g. the lake upkeep) now on the local platform',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true });
    if (values.help) {
      io.stdout(runUsage);
      return 0;
    }
    const [name, ...rest] = positionals;
    if (name === undefined || rest.length > 0)
      throw new CliUsageError(`expected one function name\n${runUsage}`);
    if (!scheduled.includes(name)) {
      throw new CliUsageError(`${name} is not a scheduled function (scheduled: ${scheduled.join(', ')})`);
    }
    const answer = await callAdminApi('POST', `/_local/schedules/${name}`, values, io);
    if (answer === undefined) throw new CliUsageError(`the platform has no scheduled function ${name}`);
    io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
    return 0;
  },
};
