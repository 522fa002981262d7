import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { LakeCatalog } from '../../infra/constructs/lake-catalog.ts';
import { eventsStitchedView, identityMapView, lakeViews } from '../../shared/lake/views.ts';

interface GlueViewResource {
  readonly DependsOn?: string[];
  readonly Properties: {
    readonly DatabaseName: string;
    readonly TableInput: {
      readonly Name: string;
      readonly TableType: string;
      readonly Parameters: Record<string, string>;
      readonly ViewOriginalText: string;
      readonly ViewExpandedText: string;
      readonly StorageDescriptor: { readonly Columns: { Name: string; Type: string }[] };
    };
  };
}

/** The Glue view resources of a catalog in a stack of its own, by view name. */
function synthViews(): Map<string, { id: string; resource: GlueViewResource }> {
  const stack = new Stack(new App(), 'Catalog');
  new LakeCatalog(stack, 'Catalog', { bucket: new Bucket(stack, 'Lake') });
  const tables = Template.fromStack(stack).findResources('AWS::Glue::Table', {
    Properties: { TableInput: { TableType: 'VIRTUAL_VIEW' } },
  });
  return new Map(
    Object.entries(tables).map(([id, resource]) => [
      (resource as GlueViewResource).Properties.TableInput.Name,
      { id, resource: resource as GlueViewResource },
    ]),
  );
}

/** What Athena reads back from `/* Presto View: <base64> *\/`. */
function prestoDefinition(originalText: string): unknown {
  const match = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(originalText);
  return JSON.parse(Buffer.from(match?.[1] ?? '', 'base64').toString('utf8'));
}

describe('the lake views in the Glue catalog', () => {
  // Prepare (once for the file)
  const views = synthViews();

  it('defines each view of shared/lake/views.ts, and only those', () => {
    expect([...views.keys()].sort()).toEqual(lakeViews.map((view) => view.name).sort());
  });

  it('stores identity_map as Athena stores a view it created: its query, catalog, schema and typed columns', () => {
    // Act
    const { resource } = views.get('identity_map') ?? { resource: undefined };
    const input = resource?.Properties.TableInput;

    // Assess
    expect(resource?.Properties.DatabaseName).toBe('cdp');
    expect(input?.Parameters).toEqual({ presto_view: 'true', comment: 'Presto View' });
    expect(input?.ViewExpandedText).toBe('/* Presto View */');
    expect(prestoDefinition(input?.ViewOriginalText ?? '')).toEqual({
      originalSql: identityMapView.query,
      catalog: 'awsdatacatalog',
      schema: 'cdp',
      columns: [
        { name: 'id_type', type: 'varchar' },
        { name: 'id_value', type: 'varchar' },
        { name: 'profile_id', type: 'varchar' },
        { name: 'resolved_at', type: 'timestamp' },
      ],
    });
    expect(input?.StorageDescriptor.Columns.map(({ Name, Type }) => [Name, Type])).toEqual([
      ['id_type', 'string'],
      ['id_value', 'string'],
      ['profile_id', 'string'],
      ['resolved_at', 'timestamp'],
    ]);
  });

  it('lists the events columns, dt and profile_id in events_stitched, with the same types in both places', () => {
    // Act
    const input = views.get('events_stitched')?.resource.Properties.TableInput;
    const definition = prestoDefinition(input?.ViewOriginalText ?? '') as {
      columns: { name: string; type: string }[];
    };

    // Assess: json columns are text, the int schema_version is an integer.
    const names = eventsStitchedView.columns.map((column) => column.name);
    expect(definition.columns.map((column) => column.name)).toEqual(names);
    expect(input?.StorageDescriptor.Columns.map((column) => column.Name)).toEqual(names);
    const typeOf = (name: string) => definition.columns.find((column) => column.name === name)?.type;
    expect([typeOf('properties'), typeOf('timestamp'), typeOf('schema_version'), typeOf('dt')]).toEqual([
      'varchar',
      'timestamp',
      'integer',
      'varchar',
    ]);
    expect(names.slice(-2)).toEqual(['dt', 'profile_id']);
  });

  it('creates events_stitched after identity_map, which it reads', () => {
    // Act
    const stitched = views.get('events_stitched')?.resource;
    const map = views.get('identity_map');

    // Assess
    expect(stitched?.DependsOn).toContain(map?.id);
  });
});
