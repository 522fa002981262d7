/**
 * The Glue Data Catalog entries Athena reads the lake through: one database, one external Parquet table per
 * lake table of shared/lake/schema.ts, and the views of shared/lake/views.ts (`identity_map`,
 * `events_stitched`). Partitions are projected from the `dt=YYYY-MM-DD/` key layout, so no crawler runs and no
 * `MSCK REPAIR` or `ADD PARTITION` is ever needed after the land function writes.
 *
 * A view is stored the way Athena's own `CREATE VIEW` stores it: a `VIRTUAL_VIEW` table whose original text is
 * `/* Presto View: <base64 of {originalSql, catalog, schema, columns}> *\/`, with its columns twice (Presto
 * types in that JSON, Hive types in the storage descriptor). Athena checks the query's columns against them
 * and calls the view stale when they differ, so both come from the same column list as the query.
 */
import { Aws } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type LakeColumnType, type LakeTable, lakeTables } from '../../shared/lake/schema.ts';
import { type LakeView, lakeViews } from '../../shared/lake/views.ts';
import { pascalCase } from './records.ts';

/** Hive types of the lake's column types; `json` columns hold JSON text, read with `json_extract_scalar`. */
export const glueColumnTypes: Readonly<Record<LakeColumnType, string>> = {
  string: 'string',
  timestamp: 'timestamp',
  int: 'int',
  double: 'double',
  json: 'string',
};

/** The same types as Athena's engine (Trino) names them in a view's definition. */
export const prestoColumnTypes: Readonly<Record<LakeColumnType, string>> = {
  string: 'varchar',
  timestamp: 'timestamp',
  int: 'integer',
  double: 'double',
  json: 'varchar',
};

/** The catalog Athena reads the Glue Data Catalog as. */
const ATHENA_CATALOG = 'awsdatacatalog';

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
   * The views to define over the tables, each after those it reads.
   *
   * @default lakeViews of shared/lake/views.ts
   */
  readonly views?: readonly LakeView[];
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
  /** The Glue views (tables of type `VIRTUAL_VIEW`) by view name. */
  public readonly views: Readonly<Record<string, CfnTable>>;

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

    const views: Record<string, CfnTable> = {};
    for (const view of props.views ?? lakeViews) {
      const glueView = new CfnTable(this, `${pascalCase(view.name)}View`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: viewInput(view, this.databaseName),
      });
      // A view's query is checked against what it reads when it runs: create it after all of that.
      glueView.addResourceDependency(this.database);
      for (const table of Object.values(tables)) glueView.addResourceDependency(table);
      for (const earlier of Object.values(views)) glueView.addResourceDependency(earlier);
      views[view.name] = glueView;
    }
    this.views = views;
  }
}

/**
 * The Glue entry of a view, as Athena writes it for `CREATE VIEW`.
 * @example viewInput(identityMapView, 'cdp').viewOriginalText // '/* Presto View: eyJvcmlnaW5hbFNxbCI6… *\/'
 */
export function viewInput(view: LakeView, databaseName: string): CfnTable.TableInputProperty {
  const definition = {
    originalSql: view.query,
    catalog: ATHENA_CATALOG,
    schema: databaseName,
    columns: view.columns.map((column) => ({ name: column.name, type: prestoColumnTypes[column.type] })),
  };
  return {
    name: view.name,
    description: view.doc,
    tableType: 'VIRTUAL_VIEW',
    parameters: { presto_view: 'true', comment: 'Presto View' },
    viewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(definition), 'utf8').toString('base64')} */`,
    viewExpandedText: '/* Presto View */',
    partitionKeys: [],
    storageDescriptor: {
      columns: view.columns.map((column) => ({
        name: column.name,
        type: glueColumnTypes[column.type],
        comment: column.doc,
      })),
      serdeInfo: {},
    },
  };
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
