/**
 * What a function whose topology entry says `secrets` may do: GetSecretValue on the secrets named under its
 * prefix, and nothing else of Secrets Manager. The secrets are encrypted with the account's default
 * `aws/secretsmanager` key, whose key policy lets Secrets Manager decrypt for any principal allowed to read the
 * secret, so no kms:Decrypt is granted; a secret encrypted with a customer managed key would need that grant.
 */
import { Aws } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * The ARN pattern of the secrets under `prefix`. Secrets Manager appends `-` and six random characters to a
 * secret's name in its ARN, so the pattern must end in `*`.
 */
export function secretArnsUnder(prefix: string): string {
  return `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${prefix}*`;
}

/** Grants `role` reading the secrets under `prefix`, with the cdk-nag finding that causes suppressed on it. */
export function grantSecretsUnder(role: IGrantable & IConstruct, prefix: string): void {
  role.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArnsUnder(prefix)] }),
  );
  NagSuppressions.addResourceSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          `GetSecretValue on the secrets named ${prefix}<reference>: the trailing * matches the random suffix ` +
          'Secrets Manager adds to every secret ARN (and the references the configuration may add).',
        appliesTo: [
          `Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*`,
        ],
      },
    ],
    true,
  );
}
