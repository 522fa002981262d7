import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../../shared/config/settings.ts';
import { type SecretStore, webhookSecrets } from '../../../shared/import/webhook-secrets.ts';

const sources: Pick<SourceConfig, 'webhook'>[] = [
  { webhook: { kind: 'sendgrid', secret: 'sendgrid-verification-key' } },
  {},
  { webhook: { kind: 'generic', secret: 'hooks-key' } },
];

/** A secret store answering from a fixed table; every name asked for is kept in `asked`. */
class FakeSecretStore implements SecretStore {
  readonly asked: string[] = [];
  constructor(readonly values: Record<string, string>) {}

  async read(name: string): Promise<string> {
    this.asked.push(name);
    const value = this.values[name];
    if (value === undefined) throw new Error(`no secret ${name}`);
    return value;
  }
}

/** A logger that keeps what it was told. */
function recordingLogger() {
  const errors: { message: string; details: unknown[] }[] = [];
  return { errors, error: (message: string, ...details: unknown[]) => errors.push({ message, details }) };
}

describe('webhookSecrets', () => {
  it('reads <prefix><reference> from the store for each webhook source when a prefix is set', async () => {
    // Prepare
    const store = new FakeSecretStore({
      'cdp/webhooks/sendgrid-verification-key': 'MFkw-key',
      'cdp/webhooks/hooks-key': 'whs_1',
    });
    const env = { CDP_SECRETS_PREFIX: 'cdp/webhooks/', CDP_SECRET_HOOKS_KEY: 'from-env' };

    // Act
    const secrets = await webhookSecrets(sources, { env, store: () => store, logger: recordingLogger() });

    // Assess
    expect(store.asked.sort()).toEqual(['cdp/webhooks/hooks-key', 'cdp/webhooks/sendgrid-verification-key']);
    expect(Object.fromEntries(secrets)).toEqual({
      'sendgrid-verification-key': 'MFkw-key',
      'hooks-key': 'whs_1',
    });
  });

  it('asks once for a reference that several sources share', async () => {
    // Prepare
    const store = new FakeSecretStore({ 'p/shared': 'v' });
    const sharing: Pick<SourceConfig, 'webhook'>[] = [
      { webhook: { kind: 'generic', secret: 'shared' } },
      { webhook: { kind: 'generic', secret: 'shared' } },
    ];

    // Act
    await webhookSecrets(sharing, {
      env: { CDP_SECRETS_PREFIX: 'p/' },
      store: () => store,
      logger: recordingLogger(),
    });

    // Assess
    expect(store.asked).toEqual(['p/shared']);
  });

  it('leaves an unreadable secret out and logs its reference, keeping the others', async () => {
    // Prepare
    const store = new FakeSecretStore({ 'cdp/webhooks/hooks-key': 'whs_1' });
    const logger = recordingLogger();

    // Act
    const secrets = await webhookSecrets(sources, {
      env: { CDP_SECRETS_PREFIX: 'cdp/webhooks/' },
      store: () => store,
      logger,
    });

    // Assess
    expect(Object.fromEntries(secrets)).toEqual({ 'hooks-key': 'whs_1' });
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]?.details[0]).toMatchObject({ reference: 'sendgrid-verification-key' });
    expect(JSON.stringify(logger.errors)).not.toContain('whs_1');
  });

  it('takes an empty or blank secret as unreadable: an empty HMAC key would let anyone sign', async () => {
    // Prepare
    const store = new FakeSecretStore({
      'cdp/webhooks/sendgrid-verification-key': '',
      'cdp/webhooks/hooks-key': '  ',
    });
    const logger = recordingLogger();

    // Act
    const fromStore = await webhookSecrets(sources, {
      env: { CDP_SECRETS_PREFIX: 'cdp/webhooks/' },
      store: () => store,
      logger,
    });
    const fromEnv = await webhookSecrets(sources, {
      env: { CDP_SECRET_HOOKS_KEY: ' ', CDP_SECRET_SENDGRID_VERIFICATION_KEY: '' },
      store: () => store,
      logger,
    });

    // Assess
    expect(fromStore.size).toBe(0);
    expect(fromEnv.size).toBe(0);
    expect(logger.errors).toHaveLength(2);
  });

  it('resolves from CDP_SECRET_<REFERENCE> without a prefix, never building the store', async () => {
    // Prepare
    let built = false;
    const env = { CDP_SECRET_SENDGRID_VERIFICATION_KEY: 'MFkw-local' };

    // Act
    const secrets = await webhookSecrets(sources, {
      env,
      store: () => {
        built = true;
        return new FakeSecretStore({});
      },
      logger: recordingLogger(),
    });

    // Assess
    expect(built).toBe(false);
    expect(Object.fromEntries(secrets)).toEqual({ 'sendgrid-verification-key': 'MFkw-local' });
  });
});
