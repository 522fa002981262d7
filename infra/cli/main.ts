/** Entry point of the `cdp` command (see bin.mjs); everything else lives in cli.ts so tests run it in-process. */
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
