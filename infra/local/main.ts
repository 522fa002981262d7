/** `npm start`: the whole platform locally, until Ctrl-C. */
import { CdpError } from '../../shared/errors.ts';
import { startLocalPlatform } from './runtime.ts';

try {
  const platform = await startLocalPlatform();
  const lines = [
    `CDP is running locally on ${platform.url} (data in ${platform.paths.root})`,
    ...platform.settings.sources.map(
      (source) =>
        `  write key for source "${source.name}" (${source.channel}): ${platform.secrets.writeKeys[source.name]}`,
    ),
    `  admin token: ${platform.secrets.adminToken}`,
    '',
    'Send an event:',
    `  curl -u '${platform.secrets.writeKeys[platform.settings.sources[0]?.name ?? ''] ?? ''}:' ${platform.url}/v1/track \\`,
    `    -d '{"userId":"user-1","event":"Signed Up","properties":{"plan":"pro"}}'`,
    'Query the lake:',
    `  npx cdp query "select type, count(*) from events group by 1"`,
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    await platform.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  // Known failures (Java missing, a bad config file) get their one-line message; anything else its stack.
  console.error(error instanceof CdpError ? `cdp: ${error.message}` : error);
  process.exit(1);
}
