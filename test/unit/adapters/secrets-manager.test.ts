import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretReadError, SecretsManagerSecretStore } from '../../../shared/adapters/secrets-manager.ts';
import { stubbedClient, testClientConfig } from '../../fixtures/stubbed-client.ts';

const stubbedClientOf = (answer: (command: unknown) => unknown) =>
  stubbedClient(new SecretsManagerClient(testClientConfig), answer);

describe('SecretsManagerSecretStore', () => {
  it('reads the string value of the secret by its name', async () => {
    // Prepare
    const { client, sent } = stubbedClientOf(() => ({ $metadata: {}, SecretString: 'whs_1' }));
    const store = new SecretsManagerSecretStore({ client });

    // Act
    const value = await store.read('cdp/webhooks/hooks-key');

    // Assess
    expect(value).toBe('whs_1');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(GetSecretValueCommand);
    expect((sent[0] as GetSecretValueCommand).input).toEqual({ SecretId: 'cdp/webhooks/hooks-key' });
  });

  it('wraps a refused read in a SecretReadError naming the secret, with the cause kept', async () => {
    // Prepare
    const refusal = Object.assign(new Error('Secrets Manager can’t find the specified secret.'), {
      name: 'ResourceNotFoundException',
    });
    const { client } = stubbedClientOf(() => {
      throw refusal;
    });
    const store = new SecretsManagerSecretStore({ client });

    // Act
    const failure = await store.read('cdp/webhooks/missing').catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(SecretReadError);
    expect(failure).toMatchObject({ secretName: 'cdp/webhooks/missing', cause: refusal });
    expect((failure as Error).message).toContain('cdp/webhooks/missing');
  });

  it('refuses a binary secret without revealing its bytes', async () => {
    // Prepare
    const { client } = stubbedClientOf(() => ({
      $metadata: {},
      SecretBinary: new Uint8Array([122, 113, 57]),
    }));
    const store = new SecretsManagerSecretStore({ client });

    // Act
    const failure = await store.read('cdp/webhooks/binary').catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(SecretReadError);
    expect((failure as Error).message).not.toContain('zq9');
  });
});
