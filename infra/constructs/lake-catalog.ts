/**
 * The Glue Data Catalog entries Athena reads the lake through: one database and one external Parquet table
 * per lake table of shared/lake/schema.ts. Partitions are projected from the `dt=YYYY-MM-DD/` key layout, so
 * no crawler runs and no `MSCK REPAIR` or `ADD PARTITION` is ever needed after the land function writes.
 */
import { Aws } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type LakeColumnType, type LakeTable, lakeTables } from '../../shared/lake/schema.ts';
import { pascalCase } from './records.ts';

/** Hive types of the lake's column types; `json` columns hold JSON text, read with `json_extract_scalar`. */
export const glueColumnTypes: Readonly<Record<LakeColumnType, string>> = {
  string: 'string',
  timestamp: 'timestamp',
  int: 'int',
  json: 'string',
};

export interface LakeCatalogProps {
  /** The bucket the lake's Parquet files are in. */
  readonly bucket: IBucket;
  /**
   * Name of the Glue database; Athena queries name it, e.g. `SELECT … FROM cdp.events`.
   *
   * @default 'cdp'
   */
  readonly databaseName?: string;
  /**
   * The tables to describe.
   *
   * @default lakeTables of shared/lake/schema.ts
   */
  readonly tables?: readonly LakeTable[];
  /**
   * First date partition projection enumerates; a query on earlier dates finds nothing.
   *
   * @default '2020-01-01'
   */
  readonly firstDate?: string;
}

export class LakeCatalog extends Construct {
  public readonly database: CfnDatabase;
  public readonly databaseName: string;
  /** The Glue tables by lake table name. */
  public readonly tables: Readonly<Record<string, CfnTable>>;

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    this.databaseName = props.databaseName ?? 'cdp';
    const firstDate = props.firstDate ?? '2020-01-01';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(firstDate)) {
      throw new Error(`LakeCatalog: firstDate must be YYYY-MM-DD, got ${firstDate}`);
    }

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.databaseName,
        description: 'The CDP lake: Parquet tables partitioned by UTC date (see docs/lake.md)',
      },
    });

    const tables: Record<string, CfnTable> = {};
    for (const table of props.tables ?? lakeTables) {
      const glueTable = new CfnTable(this, `${pascalCase(table.name)}Table`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: tableInput(table, props.bucket.bucketName, firstDate),
      });
      glueTable.addResourceDependency(this.database);
      tables[table.name] = glueTable;
    }
    this.tables = tables;
  }
}

function tableInput(table: LakeTable, bucketName: string, firstDate: string): CfnTable.TableInputProperty {
  const location = `s3://${bucketName}/${table.prefix}`;
  const partition = table.partition.name;
  return {
    name: table.name,
    description: table.doc,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      [`projection.${partition}.type`]: 'date',
      [`projection.${partition}.format`]: 'yyyy-MM-dd',
      [`projection.${partition}.range`]: `${firstDate},NOW`,
      [`projection.${partition}.interval`]: '1',
      [`projection.${partition}.interval.unit`]: 'DAYS',
      // `${dt}` is filled in by Athena, not by JavaScript or CloudFormation.
      'storage.location.template': `${location}${partition}=\${${partition}}/`,
    },
    partitionKeys: [{ name: partition, type: 'string', comment: table.partition.doc }],
    storageDescriptor: {
      location,
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: {
        serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
        parameters: { 'serialization.format': '1' },
      },
      columns: table.columns.map((column) => ({
        name: column.name,
        type: glueColumnTypes[column.type],
        comment: column.doc,
      })),
      compressed: false,
      storedAsSubDirectories: false,
    },
  };
}
