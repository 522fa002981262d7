/**
 * `cdp sources add`: creates a source and its write key in a deployment's sources table. Locally the sources
 * come from cdp.config.json and `npm start` creates their keys; in AWS this is how keys are made, so that no key
 * is ever in the repository or in a template.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { putSource } from '../../../shared/adapters/dynamodb-source-registry.ts';
import { sourceConfigSchema } from '../../../shared/config/settings.ts';
import { type CliCommand, type CliIo, CliUsageError } from '../command.ts';

export const sourcesUsage = `Usage: cdp sources add --name <name> --channel <channel> --table <SourcesTableName> [options]

Creates a source with a new write key in a deployed platform's sources table and prints the key.

Options:
  --name <name>        the source's name, e.g. website (lower-case letters, digits, - and _)
  --channel <channel>  web, app, server, email, pos, crm, erp, support, social or other
  --origin <url>       a browser origin allowed to send with the key; repeat for several, * for any
  --table <name>       the deployment's sources table (stack output CdpData.SourcesTableName)
  --region <region>    the AWS region (default: the SDK's, e.g. $AWS_REGION)
  -h, --help           print this help
`;

const options = {
  name: { type: 'string' },
  channel: { type: 'string' },
  origin: { type: 'string', multiple: true },
  table: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const sourcesCommand: CliCommand = {
  name: 'sources',
  summary: 'create a source and its write key in an AWS deployment',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const [action, ...rest] = args;
    if (action === undefined || action === '--help' || action === '-h') {
      io.stdout(sourcesUsage);
      return action === undefined ? 1 : 0;
    }
    if (action !== 'add') throw new CliUsageError(`unknown action '${action}' (run cdp sources --help)`);
    const { values } = parseArgs({ args: [...rest], options, allowPositionals: false, strict: true });
    if (values.help) {
      io.stdout(sourcesUsage);
      return 0;
    }
    if (!values.table)
      throw new CliUsageError('--table is required (the stack output CdpData.SourcesTableName)');
    const parsed = sourceConfigSchema.safeParse({
      name: values.name,
      channel: values.channel,
      allowedOrigins: values.origin ?? [],
    });
    if (!parsed.success) throw new CliUsageError(z.prettifyError(parsed.error).replaceAll('\n', '; '));
    const writeKey = `wk_${randomBytes(16).toString('hex')}`;
    const client = new DynamoDBClient(values.region ? { region: values.region } : {});
    await putSource(client, values.table, { ...parsed.data, writeKey });
    io.stdout(`${writeKey}\n`);
    io.stderr(`source "${parsed.data.name}" (${parsed.data.channel}) created in ${values.table}\n`);
    return 0;
  },
};
