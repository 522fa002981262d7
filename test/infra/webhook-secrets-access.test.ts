/**
 * The ingest function reads its webhook secrets from Secrets Manager: it alone learns the prefix from its
 * environment and may call GetSecretValue, on the secrets under that prefix only.
 */
import { describe, expect, it } from 'vitest';
import { functions } from '../../infra/topology.ts';
import { logicalId, synthPlatform } from './platform.ts';

/** The ARN pattern of secrets under `cdp/webhooks/`, as CloudFormation receives it (written out by hand). */
const webhookSecretArns = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':secretsmanager:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':secret:cdp/webhooks/*',
    ],
  ],
};

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

describe('webhook secrets in AWS', () => {
  // Prepare (once for the file): synthesizing the app is the slow part.
  const platform = synthPlatform();
  const template = platform.template(platform.functions);
  const lambdas = template.findResources('AWS::Lambda::Function');
  const names = Object.keys(functions);
  const variablesOf = (name: string): Record<string, unknown> => {
    const built = platform.functions.functions[name];
    if (!built) throw new Error(`no function ${name}`);
    return lambdas[logicalId(built.function)]?.Properties.Environment.Variables ?? {};
  };
  const statementsOf = (name: string): Statement[] => {
    const built = platform.functions.functions[name];
    if (!built) throw new Error(`no function ${name}`);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: logicalId(built.role) }] },
    });
    return Object.values(policies).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
  };
  const secretStatements = (name: string) =>
    statementsOf(name).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('secretsmanager:')),
    );

  it('tells the ingest function, and no other, the prefix of the webhook secrets', () => {
    for (const name of names) {
      // Act
      const variables = variablesOf(name);

      // Assess
      if (name === 'ingest') expect(variables.CDP_SECRETS_PREFIX, name).toBe('cdp/webhooks/');
      else expect(variables, name).not.toHaveProperty('CDP_SECRETS_PREFIX');
    }
  });

  it('lets the ingest function read exactly the secrets under cdp/webhooks/', () => {
    // Act
    const statements = secretStatements('ingest');

    // Assess
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: webhookSecretArns },
    ]);
  });

  it('gives no other function any Secrets Manager access', () => {
    for (const name of names.filter((other) => other !== 'ingest')) {
      expect(secretStatements(name), name).toEqual([]);
    }
  });
});
