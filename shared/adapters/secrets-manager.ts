/**
 * `SecretStore` on AWS Secrets Manager: a secret's current string value by name (GetSecretValue). Binary
 * secrets are refused: webhook secrets are text (a signing key, a provider's verification key).
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CdpError } from '../errors.ts';
import type { SecretStore } from '../import/webhook-secrets.ts';
import { secretsManagerClient } from './aws-clients.ts';

/** A secret that could not be read (missing, not allowed, not text); names the secret, never its value. */
export class SecretReadError extends CdpError {
  constructor(
    message: string,
    readonly secretName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SecretsManagerSecretStoreOptions {
  /** @default secretsManagerClient() — the shared client of aws-clients.ts */
  readonly client?: SecretsManagerClient;
}

export class SecretsManagerSecretStore implements SecretStore {
  readonly #client: SecretsManagerClient;

  constructor(options: SecretsManagerSecretStoreOptions = {}) {
    this.#client = options.client ?? secretsManagerClient();
  }

  async read(name: string): Promise<string> {
    let value: string | undefined;
    try {
      ({ SecretString: value } = await this.#client.send(new GetSecretValueCommand({ SecretId: name })));
    } catch (error: unknown) {
      throw new SecretReadError(`secret ${name} could not be read`, name, { cause: error });
    }
    if (value === undefined) throw new SecretReadError(`secret ${name} has no string value`, name);
    return value;
  }
}
