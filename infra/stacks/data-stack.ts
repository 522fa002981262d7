/**
 * The stateful half of the platform: every stream, bucket and table of the topology. It changes rarely and
 * its resources are retained when the stack is deleted, so the stateless stacks can be replaced freely.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DataStores, type DataStoresProps } from '../constructs/data-stores.ts';
import { mapRecord, pascalCase } from '../constructs/records.ts';
import { buckets, resourceEnv, streams, tables } from '../topology.ts';

export interface DataStackProps
  extends StackProps,
    Pick<DataStoresProps, 'noncurrentVersionRetentionDays' | 'accessLogRetentionDays'> {}

export class DataStack extends Stack {
  public readonly stores: DataStores;

  constructor(scope: Construct, id: string, props: DataStackProps = {}) {
    super(scope, id, props);
    this.stores = new DataStores(this, 'Stores', {
      streams,
      buckets,
      tables,
      noncurrentVersionRetentionDays: props.noncurrentVersionRetentionDays,
      accessLogRetentionDays: props.accessLogRetentionDays,
    });

    mapRecord(this.stores.streams, (name, stream) =>
      output(this, `${pascalCase(name)}StreamName`, stream.streamName, resourceEnv.stream[name]),
    );
    mapRecord(this.stores.buckets, (name, bucket) =>
      output(this, `${pascalCase(name)}BucketName`, bucket.bucketName, resourceEnv.bucket[name]),
    );
    mapRecord(this.stores.tables, (name, table) =>
      output(this, `${pascalCase(name)}TableName`, table.tableName, resourceEnv.table[name]),
    );
  }
}

function output(stack: Stack, id: string, value: string, envName: string): CfnOutput {
  return new CfnOutput(stack, id, { value, description: `Physical name; functions read it from ${envName}` });
}
