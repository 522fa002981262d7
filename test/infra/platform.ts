/**
 * Synthesizes the CDK app as infra/app.ts does — same feature flags (cdk.json), settings file, house policies
 * and cdk-nag checks — but without bundling the functions, which only slows the tests down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Aspects, CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { applyHousePolicies } from '../../infra/aspects.ts';
import { definePlatform, type Platform, type PlatformProps } from '../../infra/stacks/platform.ts';
import { loadSettingsFile, type RuntimeSettings, runtimeSettings } from '../../shared/config/settings.ts';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The context of cdk.json (feature flags), so the tests synthesize what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** An app with the feature flags of cdk.json, which skips bundling. */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
}

export function configuredSettings(): RuntimeSettings {
  return runtimeSettings(loadSettingsFile(join(projectRoot, 'cdp.config.json')));
}

export interface SynthesizedPlatform extends Platform {
  readonly app: App;
  readonly settings: RuntimeSettings;
  readonly template: (stack: Stack) => Template;
}

export function synthPlatform(props: Partial<PlatformProps> = {}): SynthesizedPlatform {
  const app = testApp();
  const settings = props.runtimeSettings ?? configuredSettings();
  const platform = definePlatform(app, { projectRoot, runtimeSettings: settings, ...props });
  applyHousePolicies(app);
  Aspects.of(app).add(new AwsSolutionsChecks());
  const templates = new Map<Stack, Template>();
  const template = (stack: Stack): Template => {
    let found = templates.get(stack);
    if (!found) {
      found = Template.fromStack(stack);
      templates.set(stack, found);
    }
    return found;
  };
  return { ...platform, app, settings, template };
}

/** Asserts that the resource with this logical id matches `pattern` (partially, as `Match.objectLike`). */
export function expectResource(template: Template, id: string, pattern: Record<string, unknown>): void {
  template.templateMatches({ Resources: { [id]: pattern } });
}

/** The logical id of a construct's CloudFormation resource, as its template names it. */
export function logicalId(construct: IConstruct): string {
  const resource = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!CfnElement.isCfnElement(resource))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return resource.stack.resolve(resource.logicalId) as string;
}
