/**
 * The import function in AWS: invoked through EventBridge for each object created under `imports/` in the
 * imports bucket, with only the access its topology entry declares; the imports bucket expires dropped files.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { keyFilters } from '../../infra/constructs/bucket-event-rule.ts';
import { logicalId, synthPlatform } from './platform.ts';

describe('the import function', () => {
  // Prepare (once for the file)
  const platform = synthPlatform();
  const template = platform.template(platform.functions);
  const data = platform.template(platform.data);
  const imports = platform.functions.functions.import;
  if (!imports) throw new Error('no import function in the topology');
  const importsBucket = platform.data.stores.buckets.imports;
  const statements = () =>
    Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalId(imports.role) }] },
      }),
    ).flatMap(
      (policy) =>
        policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );

  it('is invoked by an EventBridge rule for objects created under imports/ in the imports bucket', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: [platform.functions.resolve(importsBucket.bucketName)] },
          object: { key: [{ prefix: 'imports/' }] },
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(imports.function), 'Arn'] } })],
    });
  });

  it('may be invoked by EventBridge through that rule only, and is retried twice on error', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId(imports.function), 'Arn'] },
      SourceArn: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(imports.function) },
      MaximumRetryAttempts: 2,
    });
  });

  it('has the imports bucket send its object events to EventBridge, without a notifications function', () => {
    data.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  it('runs up to Lambda’s 15 minutes and learns the imports bucket and the stream from its environment', () => {
    // Act
    const properties = template.findResources('AWS::Lambda::Function')[logicalId(imports.function)]
      ?.Properties as { Timeout: number; Environment: { Variables: Record<string, unknown> } };

    // Assess
    expect(properties.Timeout).toBe(900);
    expect(Object.keys(properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['IMPORTS_BUCKET', 'EVENTS_STREAM_NAME']),
    );
    expect(properties.Environment.Variables).not.toHaveProperty('LAKE_BUCKET');
    expect(properties.Environment.Variables).not.toHaveProperty('SOURCES_TABLE');
  });

  it('may write to the events stream but not read it, and may not touch the lake', () => {
    // Act
    const actions = statements().flatMap((s) => [s.Action].flat());
    const resources = JSON.stringify(statements().map((s) => s.Resource));

    // Assess
    expect(actions).toEqual(expect.arrayContaining(['kinesis:PutRecords', 's3:GetObject*', 's3:PutObject']));
    expect(actions).not.toContain('kinesis:GetRecords');
    expect(resources).not.toContain(logicalId(platform.data.stores.buckets.lake));
  });

  it('has an imports bucket that is encrypted with the platform key and expires objects after 30 days', () => {
    data.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-objects', ExpirationInDays: 30 })]),
      },
    });
    expect(logicalId(importsBucket)).toMatch(/^StoresImportsBucket/);
  });
});

describe('the key filter of a bucket event rule', () => {
  it('is the prefix alone without suffixes, else one wildcard per suffix with * and \\ taken literally', () => {
    expect(keyFilters('imports/', undefined)).toEqual([{ prefix: 'imports/' }]);
    expect(keyFilters('imports/', ['.csv', '.gz'])).toEqual([
      { wildcard: 'imports/*.csv' },
      { wildcard: 'imports/*.gz' },
    ]);
    expect(keyFilters('in*box/', ['.csv'])).toEqual([{ wildcard: 'in\\*box/*.csv' }]);
  });
});
