import { describe, expect, it } from 'vitest';
import { logicalId, synthPlatform } from './platform.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** IAM's action matching: `*` stands for any characters, case-insensitively. */
function allows(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\:]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return regex.test(action);
}

describe('what the erasure needs of the functions stack', () => {
  // Prepare (once for the file): synthesizing the app is the slow part.
  const platform = synthPlatform();
  const stack = platform.functions;
  const template = platform.template(stack);
  const lake = platform.data.stores.buckets.lake;
  const bucketArn = stack.resolve(lake.bucketArn);

  /** The statements of a function's role that allow `action` on a resource built from the lake bucket's ARN. */
  const grantsOnLake = (name: string, action: string, objects: boolean) => {
    const role = platform.functions.functions[name]?.role;
    if (!role) throw new Error(`no role for ${name}`);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: logicalId(role) }] },
    });
    const statements = Object.values(policies).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
    return statements.filter((statement) => {
      const actions = [statement.Action].flat();
      const resources = [statement.Resource].flat();
      const onLake = resources.some((resource) =>
        objects
          ? JSON.stringify(resource) === JSON.stringify({ 'Fn::Join': ['', [bucketArn, '/*']] })
          : JSON.stringify(resource) === JSON.stringify(bucketArn),
      );
      return statement.Effect === 'Allow' && onLake && actions.some((pattern) => allows(pattern, action));
    });
  };

  it('lets the lake upkeep list and delete old object versions in the lake bucket', () => {
    // Act / Assess: CDK's read-write grant (s3:List*, s3:DeleteObject*) covers both.
    expect(grantsOnLake('compact', 's3:ListBucketVersions', false)).not.toEqual([]);
    expect(grantsOnLake('compact', 's3:GetObjectVersion', true)).not.toEqual([]);
    expect(grantsOnLake('compact', 's3:DeleteObjectVersion', true)).not.toEqual([]);
    // …and the bucket's configuration stays out of its reach: it cannot turn versioning off.
    expect(grantsOnLake('compact', 's3:PutBucketVersioning', false)).toEqual([]);
  });

  it('gives the profile API no access to the lake', () => {
    // Act / Assess
    expect(grantsOnLake('profiles', 's3:GetObject', true)).toEqual([]);
  });
});
