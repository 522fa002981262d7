/**
 * What a function whose topology entry says `lakeQueries` may do to run SQL over the lake with Athena: run
 * queries in the one workgroup, read the Glue entries of the database and of the lake's tables and views (each
 * by name, so no wildcard), and read and write the workgroup's results bucket. Reading the lake's objects is
 * the bucket access the topology declares beside it.
 */
import { Aws } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { lakeTables } from '../../shared/lake/schema.ts';
import { lakeViews } from '../../shared/lake/views.ts';

/** Where a function's lake queries run: the analytics stack's workgroup and catalog. */
export interface LakeQueryTarget {
  /** The Athena workgroup the queries run in (its results location and scan limit apply). */
  readonly workGroupName: string;
  /** The Glue database of the lake's tables and views. */
  readonly databaseName: string;
  /** Where the workgroup writes query results, which the function reads back. */
  readonly resultsBucket: IBucket;
}

const ATHENA_QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
];
const GLUE_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
];

/** Grants `grantee` the queries and catalog reads; the caller grants the results bucket with its buckets. */
export function grantLakeQueries(grantee: IGrantable, target: LakeQueryTarget): void {
  const arn = (service: string, resource: string) =>
    `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ATHENA_QUERY_ACTIONS,
      resources: [arn('athena', `workgroup/${target.workGroupName}`)],
    }),
  );
  const names = [...lakeTables.map((table) => table.name), ...lakeViews.map((view) => view.name)];
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: GLUE_READ_ACTIONS,
      resources: [
        arn('glue', 'catalog'),
        arn('glue', `database/${target.databaseName}`),
        ...names.map((name) => arn('glue', `table/${target.databaseName}/${name}`)),
      ],
    }),
  );
}
