/**
 * `cdp profile get <type>:<value>`: a person's unified profile, or their recent events, as JSON. Locally it asks
 * the running platform's profile API with the admin token (both found in the data dir); `--url`/`--token` name
 * another; `--table` reads an AWS deployment's profiles table directly with your AWS credentials (the deployed
 * API takes IAM-signed requests only).
 *
 * `cdp profile delete <type>:<value> [--wait]` erases the person (docs/identity.md#erasure) through the same
 * API, and `cdp profile erasure <erasureId>` shows how far an erasure got.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbProfileStore } from '../../../shared/adapters/dynamodb-profile-store.ts';
import { loadSettingsFile, parseSettings } from '../../../shared/config/settings.ts';
import { identityRules } from '../../../shared/identity/rules.ts';
import type { ErasureView } from '../../../shared/privacy/model.ts';
import { findProfile, parseLimit, recentEventsOf } from '../../../shared/profiles/lookup.ts';
import { profileView } from '../../../shared/profiles/view.ts';
import { callAdminApi } from '../admin-api.ts';
import { type CliCommand, type CliIo, CliUsageError } from '../command.ts';

export const profileUsage = `Usage: cdp profile get <type>:<value> [options]
       cdp profile delete <type>:<value> [--wait] [options]
       cdp profile erasure <erasureId> [options]

get: prints the unified profile of the person an identifier belongs to, as JSON, e.g.
  cdp profile get email:ann@example.com
  cdp profile get user_id:user-1 --events --limit 5
delete: erases that person (the right to be forgotten): their profile and identities at once, their rows in
the lake with the next hourly lake upkeep; their late events are dropped from then on. Prints the erasure's id.
erasure: prints an erasure's status and what it removed.
The value is normalised as resolution normalises it (emails lower-cased, phones in E.164, …).

Options:
  --events            get: print the person's recent events, newest first, instead of the profile
  --limit <n>         with --events: how many, 1 to 200 (default 20)
  --wait              delete: wait until the profile is erased (at most --timeout seconds) and print the erasure
  --timeout <s>       with --wait: seconds to wait (default 60)
  --url <url>         the platform's API (default: the running local platform's, else http://localhost:$PORT)
  --token <token>     the admin token (default: $CDP_ADMIN_TOKEN, else the local data dir's)
  --data-dir <dir>    the local data dir (default: $CDP_DATA_DIR or .cdp)
  --table <name>      get: read an AWS deployment's profiles table instead (stack output CdpData.ProfilesTableName)
  --region <region>   with --table: the AWS region (default: the SDK's, e.g. $AWS_REGION)
  --config <file>     with --table: the identity settings to normalise with (default: cdp.config.json)
  -h, --help          print this help
`;

const options = {
  events: { type: 'boolean' },
  limit: { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  'data-dir': { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

/** Seconds between two status reads of `delete --wait`. */
const POLL_INTERVAL_MS = 1_000;

export const profileCommand: CliCommand = {
  name: 'profile',
  summary:
    "print a person's profile or recent events, or erase them (profile get|delete email:ann@example.com)",
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const [action, ...rest] = args;
    if (action === undefined || action === '--help' || action === '-h') {
      io.stdout(profileUsage);
      return action === undefined ? 1 : 0;
    }
    if (action !== 'get' && action !== 'delete' && action !== 'erasure') {
      throw new CliUsageError(`unknown action '${action}' (run cdp profile --help)`);
    }
    const { values, positionals } = parseArgs({
      args: [...rest],
      options,
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout(profileUsage);
      return 0;
    }
    const [identifier, ...extra] = positionals;
    if (action === 'erasure') {
      if (identifier === undefined || extra.length > 0) throw new CliUsageError('give one erasure id');
      return showErasure(identifier, values, io);
    }
    if (identifier === undefined || extra.length > 0) {
      throw new CliUsageError('give one identifier as <type>:<value>, e.g. email:ann@example.com');
    }
    const separator = identifier.indexOf(':');
    if (separator <= 0)
      throw new CliUsageError(`"${identifier}" is not <type>:<value>, e.g. email:ann@example.com`);
    const type = identifier.slice(0, separator);
    const value = identifier.slice(separator + 1);
    if (action === 'delete') return erase(type, value, values, io);
    const limit = values.events ? parseLimit(values.limit) : undefined;
    const answer = values.table
      ? await fromTable(type, value, limit, values, values.table)
      : await fromApi(type, value, limit, values, io);
    if (answer === undefined) {
      io.stderr(`cdp profile: no profile has ${type}:${value}\n`);
      return 1;
    }
    io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
    return 0;
  },
};

async function fromApi(
  type: string,
  value: string,
  limit: number | undefined,
  values: Values,
  io: CliIo,
): Promise<unknown> {
  const path = profilePath(type, value);
  return callAdminApi('GET', limit === undefined ? path : `${path}/events?limit=${limit}`, values, io);
}

/** `delete`: the erasure request, and with `--wait` its status once the profile is erased. */
async function erase(type: string, value: string, values: Values, io: CliIo): Promise<number> {
  if (values.table) throw new CliUsageError('--table only reads: erase through the API (--url, --token)');
  const timeoutSeconds = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new CliUsageError('--timeout must be a number of seconds');
  const accepted = (await callAdminApi('DELETE', profilePath(type, value), values, io)) as
    | { erasureId: string; status: string }
    | undefined;
  if (accepted === undefined) {
    io.stderr(`cdp profile: no profile has ${type}:${value}\n`);
    return 1;
  }
  if (!values.wait) {
    io.stdout(`${JSON.stringify(accepted, null, 2)}\n`);
    io.stderr(
      `cdp profile: erasure ${accepted.erasureId} ${accepted.status}; see cdp profile erasure ${accepted.erasureId}\n`,
    );
    return 0;
  }
  const deadline = Date.now() + timeoutSeconds * 1000;
  let job = await erasureOf(accepted.erasureId, values, io);
  while (job.status === 'accepted' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    job = await erasureOf(accepted.erasureId, values, io);
  }
  io.stdout(`${JSON.stringify(job, null, 2)}\n`);
  io.stderr(`cdp profile: ${erasureNote(job)}\n`);
  return job.status === 'failed' || job.status === 'accepted' ? 1 : 0;
}

/** `erasure`: one erasure's status. */
async function showErasure(erasureId: string, values: Values, io: CliIo): Promise<number> {
  const job = await erasureOf(erasureId, values, io).catch((error: unknown) => {
    if (error instanceof NoSuchErasure) return undefined;
    throw error;
  });
  if (job === undefined) {
    io.stderr(`cdp profile: no erasure ${erasureId}\n`);
    return 1;
  }
  io.stdout(`${JSON.stringify(job, null, 2)}\n`);
  io.stderr(`cdp profile: ${erasureNote(job)}\n`);
  return 0;
}

class NoSuchErasure extends CliUsageError {}

async function erasureOf(erasureId: string, values: Values, io: CliIo): Promise<ErasureView> {
  const job = await callAdminApi('GET', `/v1/erasures/${encodeURIComponent(erasureId)}`, values, io);
  if (job === undefined) throw new NoSuchErasure(`no erasure ${erasureId}`);
  return job as ErasureView;
}

/** What is left to happen, in words. */
function erasureNote(job: ErasureView): string {
  switch (job.status) {
    case 'accepted':
      return `erasure ${job.erasureId} is still removing the profile; the hourly lake upkeep finishes it`;
    case 'profile_erased':
      return (
        `profile erased and late events suppressed; the lake rows go with the next hourly lake upkeep` +
        `${job.lakePassAfter ? ` after ${job.lakePassAfter}` : ''} (cdp profile erasure ${job.erasureId})`
      );
    case 'completed':
      return `erasure ${job.erasureId} completed: profile and lake rows removed`;
    case 'failed':
      return `erasure ${job.erasureId} failed: ${job.reason ?? 'no reason recorded'}`;
  }
}

function profilePath(type: string, value: string): string {
  return `/v1/profiles/${encodeURIComponent(type)}/${encodeURIComponent(value)}`;
}

async function fromTable(
  type: string,
  value: string,
  limit: number | undefined,
  values: Values,
  table: string,
): Promise<unknown> {
  const configFile = resolve(values.config ?? 'cdp.config.json');
  const settings = existsSync(configFile)
    ? loadSettingsFile(configFile)
    : parseSettings({ sources: [{ name: 'default', channel: 'other' }] }, 'defaults');
  const rules = identityRules(settings.identity);
  const store = new DynamoDbProfileStore({
    tableName: table,
    ...(values.region ? { client: new DynamoDBClient({ region: values.region }) } : {}),
  });
  const profile = await findProfile(store, type, value, rules);
  if (profile === undefined) return undefined;
  if (limit === undefined) return profileView(profile, rules);
  return { profileId: profile.profileId, events: await recentEventsOf(store, profile, limit) };
}
