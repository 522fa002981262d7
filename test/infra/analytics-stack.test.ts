import { Size } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { lakeTables } from '../../shared/lake/schema.ts';
import { lakeViews } from '../../shared/lake/views.ts';
import { expectResource, logicalId, synthPlatform } from './platform.ts';

/** The schema's types as Athena reads them: JSON documents are strings. */
const hiveTypes = {
  string: 'string',
  timestamp: 'timestamp',
  int: 'int',
  double: 'double',
  json: 'string',
} as const;

describe('the analytics stack', () => {
  // Prepare (once for the file)
  const platform = synthPlatform();
  const stack = platform.analytics;
  const template = platform.template(stack);
  const lakeBucketName = stack.resolve(platform.data.stores.buckets.lake.bucketName);

  it('creates the cdp database', () => {
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'cdp' } });
  });

  it('creates one Glue table per lake table and no other', () => {
    template.resourcePropertiesCountIs(
      'AWS::Glue::Table',
      { TableInput: { TableType: 'EXTERNAL_TABLE' } },
      lakeTables.length,
    );
  });

  it('defines the lake views as Athena views', () => {
    template.resourcePropertiesCountIs(
      'AWS::Glue::Table',
      { TableInput: { TableType: 'VIRTUAL_VIEW' } },
      lakeViews.length,
    );
  });

  it.each(lakeTables.map((table) => [table.name, table] as const))(
    'describes the %s table as Parquet with the columns of the lake schema',
    (_name, table) => {
      template.hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: 'cdp',
        TableInput: {
          Name: table.name,
          TableType: 'EXTERNAL_TABLE',
          PartitionKeys: [{ Name: 'dt', Type: 'string', Comment: Match.anyValue() }],
          StorageDescriptor: {
            Location: { 'Fn::Join': ['', ['s3://', lakeBucketName, `/${table.prefix}`]] },
            InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            SerdeInfo: {
              SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            },
            Columns: table.columns.map((column) => ({
              Name: column.name,
              Type: hiveTypes[column.type],
              Comment: column.doc,
            })),
          },
        },
      });
    },
  );

  it.each(lakeTables.map((table) => [table.name, table] as const))(
    'projects the daily partitions of the %s table from its key layout',
    (_name, table) => {
      template.hasResourceProperties('AWS::Glue::Table', {
        TableInput: {
          Name: table.name,
          Parameters: {
            'projection.enabled': 'true',
            'projection.dt.type': 'date',
            'projection.dt.format': 'yyyy-MM-dd',
            'projection.dt.range': '2020-01-01,NOW',
            'projection.dt.interval': '1',
            'projection.dt.interval.unit': 'DAYS',
            'storage.location.template': {
              'Fn::Join': ['', ['s3://', lakeBucketName, `/${table.prefix}dt=\${dt}/`]],
            },
          },
        },
      });
    },
  );

  it('enforces a workgroup that encrypts results, caps each scan and publishes metrics', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'cdp',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: Size.gibibytes(10).toBytes(),
        ResultConfiguration: {
          OutputLocation: {
            'Fn::Join': [
              '',
              ['s3://', { Ref: logicalId(platform.analytics.queries.resultsBucket) }, '/results/'],
            ],
          },
          EncryptionConfiguration: {
            EncryptionOption: 'SSE_KMS',
            KmsKey: stack.resolve(platform.data.stores.encryptionKey.keyArn),
          },
        },
      },
    });
  });

  it('takes the per-query scan limit from its props', () => {
    // Act
    const limited = synthPlatform({ bytesScannedCutoffPerQuery: Size.gibibytes(1) });

    // Assess
    limited.template(limited.analytics).hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 1024 ** 3 },
    });
  });

  it('refuses a scan limit Athena would reject', () => {
    expect(() => synthPlatform({ bytesScannedCutoffPerQuery: Size.mebibytes(1) })).toThrow(/at least 10 MiB/);
  });

  it('expires query results and encrypts them with the data key', () => {
    expectResource(template, logicalId(platform.analytics.queries.resultsBucket), {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: stack.resolve(platform.data.stores.encryptionKey.keyArn),
              },
            },
          ],
        },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30 })]) },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      },
    });
  });

  it('outputs the workgroup and database names', () => {
    template.hasOutput('WorkGroupName', { Value: 'cdp' });
    template.hasOutput('DatabaseName', { Value: 'cdp' });
  });
});
