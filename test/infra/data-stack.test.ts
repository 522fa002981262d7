import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { pascalCase } from '../../infra/constructs/records.ts';
import {
  type BucketName,
  buckets,
  type StreamName,
  streams,
  type TableName,
  type TableSpec,
  tables,
} from '../../infra/topology.ts';
import { expectResource, logicalId, synthPlatform } from './platform.ts';

describe('the data stack', () => {
  // Prepare (once for the file)
  const platform = synthPlatform();
  const stores = platform.data.stores;
  const template = platform.template(platform.data);
  const keyArn = { 'Fn::GetAtt': [logicalId(stores.encryptionKey), 'Arn'] };

  it('rotates the customer-managed key that encrypts the stores', () => {
    expectResource(template, logicalId(stores.encryptionKey), {
      Type: 'AWS::KMS::Key',
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  it.each(Object.entries(streams))(
    'creates the %s stream with the shards and retention of the topology',
    (name, spec) => {
      expectResource(template, logicalId(stores.streams[name as StreamName]), {
        Type: 'AWS::Kinesis::Stream',
        Properties: {
          ShardCount: spec.shards,
          RetentionPeriodHours: spec.retentionHours,
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
          StreamEncryption: { EncryptionType: 'KMS', KeyId: keyArn },
        },
        DeletionPolicy: 'Retain',
      });
    },
  );

  it.each(Object.entries(tables) as [string, TableSpec][])(
    'creates the %s table on demand, encrypted and recoverable',
    (name, spec) => {
      expectResource(template, logicalId(stores.tables[name as TableName]), {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          KeySchema: [
            { AttributeName: spec.partitionKey, KeyType: 'HASH' },
            ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' }] : []),
          ],
          TimeToLiveSpecification: spec.timeToLiveAttribute
            ? { AttributeName: spec.timeToLiveAttribute, Enabled: true }
            : Match.absent(),
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
        DeletionPolicy: 'Retain',
      });
    },
  );

  it.each(Object.keys(buckets))(
    'creates the %s bucket encrypted, private, versioned and access-logged',
    (name) => {
      expectResource(template, logicalId(stores.buckets[name as BucketName]), {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                BucketKeyEnabled: true,
                ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
              },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          VersioningConfiguration: { Status: 'Enabled' },
          LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stores.accessLogsBucket) } },
          LifecycleConfiguration: {
            Rules: Match.arrayWith([
              Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: Match.anyValue() } }),
              Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: Match.anyValue() } }),
            ]),
          },
        },
        DeletionPolicy: 'Retain',
      });
    },
  );

  it('refuses every request to a bucket that does not use TLS', () => {
    for (const bucket of [...Object.values(stores.buckets), stores.accessLogsBucket]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('keeps access logs for a bounded time in SSE-S3, the only encryption S3 log delivery accepts', () => {
    expectResource(template, logicalId(stores.accessLogsBucket), {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: Match.anyValue() })]),
        },
      },
    });
  });

  it('accepts log deliveries from buckets of this account only', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stores.accessLogsBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: { StringNotEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('outputs the physical name of every stream, bucket and table', () => {
    // Act
    const outputs = template.findOutputs('*');

    // Assess
    for (const name of Object.keys(streams) as StreamName[]) {
      expect(outputs[`${pascalCase(name)}StreamName`]?.Value).toEqual({
        Ref: logicalId(stores.streams[name]),
      });
    }
    for (const name of Object.keys(buckets) as BucketName[]) {
      expect(outputs[`${pascalCase(name)}BucketName`]?.Value).toEqual({
        Ref: logicalId(stores.buckets[name]),
      });
    }
    for (const name of Object.keys(tables) as TableName[]) {
      expect(outputs[`${pascalCase(name)}TableName`]?.Value).toEqual({ Ref: logicalId(stores.tables[name]) });
    }
  });
});
