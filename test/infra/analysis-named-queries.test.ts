import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { applyHousePolicies } from '../../infra/aspects.ts';
import { AnalyticsStack } from '../../infra/stacks/analytics-stack.ts';
import { analyses } from '../../shared/analytics/registry.ts';
import { prepareAnalysis } from '../../shared/analytics/run.ts';
import { logicalId, testApp } from './platform.ts';

interface NamedQueryProperties {
  readonly Name: string;
  readonly Description: string;
  readonly QueryString: string;
  readonly Database: string;
  readonly WorkGroup: string;
}

/** Values for the parameters an analysis requires (none has a default): a funnel of two steps. */
const requiredInput: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  funnel: { steps: ['Product Viewed', 'Order Completed'] },
};

/**
 * The analytics stack alone, as the app composes it (house policies, cdk-nag), over stand-in stores: the
 * named queries depend on nothing the other stacks hold.
 */
function synthAnalytics() {
  // Reports cdk-nag's findings instead of failing: the bare stand-ins have theirs, the analytics stack none.
  const app = testApp({ '@aws-cdk/core:annotationsInValidationReport': false });
  const stores = new Stack(app, 'Stores');
  const analytics = new AnalyticsStack(app, 'Analytics', {
    lakeBucket: new Bucket(stores, 'Lake'),
    encryptionKey: new Key(stores, 'Key'),
    serverAccessLogsBucket: new Bucket(stores, 'AccessLogs'),
  });
  applyHousePolicies(app);
  Aspects.of(app).add(new AwsSolutionsChecks());
  return { stack: analytics, template: Template.fromStack(analytics) };
}

/** The SQL without its comments and string literals: what remains is where a placeholder could be. */
function codeOnly(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''");
}

describe('the analyses as Athena named queries', () => {
  // Prepare (once for the file)
  const { stack, template } = synthAnalytics();
  const namedQueries = template.findResources('AWS::Athena::NamedQuery') as Record<
    string,
    { Properties: NamedQueryProperties; DependsOn?: string[] }
  >;
  const byName = new Map(
    Object.values(namedQueries).map((resource) => [resource.Properties.Name, resource] as const),
  );
  const queryOf = (name: string) => {
    const resource = byName.get(`cdp-${name}`);
    if (!resource) throw new Error(`no named query cdp-${name}`);
    return resource;
  };

  it('saves one named query per registered analysis, named after it', () => {
    expect([...byName.keys()].sort()).toEqual(analyses.map((analysis) => `cdp-${analysis.name}`).sort());
  });

  it.each(analyses.map((analysis) => [analysis.name] as const))(
    'saves %s in the cdp workgroup over the cdp database, created after both',
    (name) => {
      const resource = queryOf(name);
      expect(resource.Properties.WorkGroup).toBe('cdp');
      expect(resource.Properties.Database).toBe('cdp');
      expect(resource.DependsOn).toEqual(
        expect.arrayContaining([logicalId(stack.queries.workGroup), logicalId(stack.catalog.database)]),
      );
    },
  );

  it.each(analyses.map((analysis) => [analysis.name, analysis] as const))(
    'saves the SQL cdp query runs for %s, with one ? per bound value and no named placeholder',
    (name) => {
      // Act: what `cdp query` sends to the engine, by the registry's own rendering
      const prepared = prepareAnalysis(name, requiredInput[name] ?? {}, new Date('2026-11-30T00:00:00Z'));
      const text = queryOf(name).Properties.QueryString;

      // Assess
      expect(text.endsWith(prepared.sql.sql)).toBe(true);
      expect(text.split('?').length - 1).toBe(prepared.sql.params.length);
      expect(codeOnly(text)).not.toMatch(/(?<!:):[a-z_]/);
    },
  );

  it.each(analyses.map((analysis) => [analysis.name, analysis] as const))(
    'describes %s with every parameter the console asks for, within Athena’s limits',
    (_name, analysis) => {
      const { Description, QueryString, Name } = queryOf(analysis.name).Properties;
      for (const parameter of analysis.parameters.filter((declared) => !declared.inProcess)) {
        expect(Description).toContain(`${parameter.name} `);
      }
      expect(Description.length).toBeLessThanOrEqual(1024);
      expect(QueryString.length).toBeLessThanOrEqual(262_144);
      expect(Name.length).toBeLessThanOrEqual(128);
    },
  );

  it('lists each ? of the funnel in order atop its query, a list as its items', () => {
    // Prepare: funnel.sql binds the derived days first, then the breakdown twice (see the file)
    const header = queryOf('funnel')
      .Properties.QueryString.split('\n')
      .filter((line) => /^-- +\d+\. /.test(line));

    // Assess
    expect(header[0]).toMatch(/^-- +1\. scan_from: derived .*: '2026-11-01'$/);
    expect(header[1]).toMatch(/^-- +2\. scan_to: derived .*: '2026-12-14'$/);
    expect(header[3]).toMatch(/^-- +4\. breakdown again: the value of 3$/);
    expect(header).toContainEqual(expect.stringMatching(/^-- +6\. steps_1: item 1 of steps/));
  });

  it('says the association query returns the baskets, and where the rules come from', () => {
    const { Description, QueryString } = queryOf('association').Properties;
    expect(Description).toMatch(/baskets/);
    expect(Description).toContain('cdp query association --engine athena');
    expect(QueryString).toMatch(/Applied by cdp query after the SQL.*min_confidence/s);
  });

  it('raises no cdk-nag finding on the analytics stack', () => {
    const annotations = Annotations.fromStack(stack);
    const nag = Match.stringLikeRegexp('AwsSolutions-.*');
    expect([...annotations.findError('*', nag), ...annotations.findWarning('*', nag)]).toEqual([]);
  });

  it('keeps the analytics template within CloudFormation’s 1 MB for a template read from S3', () => {
    expect(JSON.stringify(template.toJSON()).length).toBeLessThan(1_000_000);
  });
});
