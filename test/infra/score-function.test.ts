/**
 * The score function in AWS: scheduled daily, and allowed to query the lake with Athena — in the analytics
 * stack's workgroup, over the Glue entries of the lake's tables and views by name — with the workgroup and
 * database in its environment. A function that declares lake queries without a target is refused.
 */
import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DataStores } from '../../infra/constructs/data-stores.ts';
import { PlatformFunction } from '../../infra/constructs/platform-function.ts';
import { buckets, functions, lakeQueryEnv, streams, tables } from '../../infra/topology.ts';
import { configuredSettings, logicalId, synthPlatform, testApp } from './platform.ts';

describe('the score function', () => {
  // Prepare (once for the file)
  const platform = synthPlatform();
  const template = platform.template(platform.functions);
  const score = platform.functions.functions.score;
  if (!score) throw new Error('no score function in the topology');
  const statements = () =>
    Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalId(score.role) }] },
      }),
    ).flatMap(
      (policy) =>
        policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );

  it('runs once a day', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      Target: { Arn: { 'Fn::GetAtt': [logicalId(score.function), 'Arn'] } },
    });
  });

  it('may run Athena queries in the workgroup only', () => {
    // Act
    const athena = statements().find((s) => [s.Action].flat().includes('athena:StartQueryExecution'));

    // Assess
    expect(JSON.stringify(athena?.Resource)).toContain(':workgroup/cdp');
    expect(JSON.stringify(athena?.Resource)).not.toContain('*');
  });

  it('may read the Glue entries of the lake database, its tables and its views, each by name', () => {
    // Act
    const glue = statements().find((s) => [s.Action].flat().includes('glue:GetTable'));
    const resources = JSON.stringify(glue?.Resource);

    // Assess
    for (const name of ['events', 'scores', 'identity_map', 'events_stitched']) {
      expect(resources).toContain(`:table/cdp/${name}`);
    }
    expect(resources).not.toContain('*');
  });

  it('learns the workgroup and database from its environment', () => {
    // Act
    const variables = template.findResources('AWS::Lambda::Function')[logicalId(score.function)]?.Properties
      .Environment.Variables as Record<string, unknown>;

    // Assess
    expect(variables).toMatchObject({ [lakeQueryEnv.workgroup]: 'cdp', [lakeQueryEnv.database]: 'cdp' });
    expect(variables).not.toHaveProperty(lakeQueryEnv.localLakeDir);
  });

  it('is refused without a lake query target', () => {
    // Prepare
    const stack = new Stack(testApp(), 'Lone');
    const stores = new DataStores(stack, 'Stores', { streams, buckets, tables });

    // Act
    const build = () =>
      new PlatformFunction(stack, 'Score', {
        name: 'score',
        spec: functions.score,
        projectRoot: '/nowhere',
        stores,
        runtimeSettings: configuredSettings(),
      });

    // Assess
    expect(build).toThrow(/lakeQueries/);
  });
});
