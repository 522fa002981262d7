/**
 * How the lake is queried: the Glue catalog of the lake tables, the Athena workgroup with its results bucket,
 * and the registered analyses saved as named queries in that workgroup. Metadata and throw-away results only,
 * so it can be replaced without touching the data.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { AnalysisNamedQueries } from '../constructs/analysis-named-queries.ts';
import { LakeCatalog } from '../constructs/lake-catalog.ts';
import { QueryWorkgroup, type QueryWorkgroupProps } from '../constructs/query-workgroup.ts';

export interface AnalyticsStackProps
  extends StackProps,
    Pick<QueryWorkgroupProps, 'bytesScannedCutoffPerQuery' | 'resultsRetention'> {
  /** The bucket of the lake's Parquet files. */
  readonly lakeBucket: IBucket;
  /** The key the lake is encrypted with; query results are encrypted with it too. */
  readonly encryptionKey: IKey;
  /** Bucket that receives the results bucket's server access logs. */
  readonly serverAccessLogsBucket: IBucket;
}

export class AnalyticsStack extends Stack {
  public readonly catalog: LakeCatalog;
  public readonly queries: QueryWorkgroup;
  public readonly analyses: AnalysisNamedQueries;

  constructor(scope: Construct, id: string, props: AnalyticsStackProps) {
    super(scope, id, props);
    this.catalog = new LakeCatalog(this, 'Catalog', { bucket: props.lakeBucket });
    this.queries = new QueryWorkgroup(this, 'Queries', {
      encryptionKey: props.encryptionKey,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
      resultsRetention: props.resultsRetention,
    });
    this.analyses = new AnalysisNamedQueries(this, 'Analyses', {
      workGroupName: this.queries.workGroupName,
      databaseName: this.catalog.databaseName,
    });
    // The queries name the workgroup and database as text: CloudFormation must create those first.
    this.analyses.node.addDependency(this.queries.workGroup, this.catalog.database);

    new CfnOutput(this, 'DatabaseName', {
      value: this.catalog.databaseName,
      description: 'Glue database of the lake tables',
    });
    new CfnOutput(this, 'WorkGroupName', {
      value: this.queries.workGroupName,
      description: 'Athena workgroup to run lake queries in',
    });
  }
}
