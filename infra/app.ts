/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy --all`. Built from infra/topology.ts and cdp.config.json;
 * synthesis needs no AWS credentials.
 *
 * Context (`-c key=value`): `cdp:tracing` (true/false), `cdp:bytesScannedCutoffGiB` (number),
 * `cdp:logRetentionDays` (a CloudWatch Logs retention, e.g. 90).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Aspects, Size } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadSettingsFile, runtimeSettings } from '../shared/config/settings.ts';
import { applyHousePolicies } from './aspects.ts';
import { definePlatform } from './stacks/platform.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const app = new App();

const cutoffGiB = numberContext(app, 'cdp:bytesScannedCutoffGiB');
definePlatform(app, {
  projectRoot,
  runtimeSettings: runtimeSettings(loadSettingsFile(join(projectRoot, 'cdp.config.json'))),
  tracing: String(app.node.tryGetContext('cdp:tracing') ?? 'false') === 'true',
  bytesScannedCutoffPerQuery: cutoffGiB === undefined ? undefined : Size.gibibytes(cutoffGiB),
});

applyHousePolicies(app, {
  logRetention: numberContext(app, 'cdp:logRetentionDays') as RetentionDays | undefined,
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));

function numberContext(scope: App, key: string): number | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`context ${key} must be a positive number`);
  return number;
}
