/**
 * The score function's `SqlEngine`, from the environment the topology's `lakeQueries` sets: DuckDB over the
 * emulator's lake folder when the local runtime names one, else Athena in the deployment's workgroup and Glue
 * database. DuckDB is imported only then, by a specifier esbuild does not follow, so the Lambda bundle neither
 * contains nor loads its native module.
 */
import { lakeQueryEnv } from '../../infra/topology.ts';
import { AthenaSqlEngine } from '../../shared/adapters/athena-sql-engine.ts';
import { requiredEnv } from '../../shared/config/env.ts';
import type { SqlEngine } from '../../shared/ports.ts';

/** In a variable: esbuild bundles only imports whose specifier is a literal. */
const duckDbAdapter = '../../shared/adapters/duckdb-sql-engine.ts';

export async function openLakeEngine(env: NodeJS.ProcessEnv = process.env): Promise<SqlEngine> {
  const localLakeDir = env[lakeQueryEnv.localLakeDir];
  if (localLakeDir) {
    const { DuckDbSqlEngine } = (await import(
      duckDbAdapter
    )) as typeof import('../../shared/adapters/duckdb-sql-engine.ts');
    return DuckDbSqlEngine.open({ lakeDir: localLakeDir });
  }
  return new AthenaSqlEngine({
    workgroup: requiredEnv(lakeQueryEnv.workgroup, env),
    database: requiredEnv(lakeQueryEnv.database, env),
    // A million summary rows: one GET of the result file, not 1,000 GetQueryResults pages one after another.
    results: 'file',
  });
}
