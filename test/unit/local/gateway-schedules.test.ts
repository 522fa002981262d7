import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../infra/local/gateway.ts';

describe("the local gateway's schedule route", () => {
  let gateway: Gateway | undefined;
  const runs: { name: string; input: Record<string, unknown> }[] = [];

  afterEach(async () => {
    await gateway?.close();
    runs.length = 0;
  });

  async function start(): Promise<Gateway> {
    gateway = await startGateway({
      port: 0,
      routes: [],
      health: () => ({ ready: true, components: {} }),
      log: () => undefined,
      adminToken: 'adm_secret',
      runScheduled: async (name, input) => {
        if (name !== 'compact') throw new Error(`no scheduled function named ${name}`);
        runs.push({ name, input });
        return { partitions: [] };
      },
    });
    return gateway;
  }

  const post = (url: string, token?: string, body?: string) =>
    fetch(url, {
      method: 'POST',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body === undefined ? {} : { body }),
    });

  it('runs the named scheduled function for the admin and answers with what it returned', async () => {
    // Prepare
    const { url } = await start();

    // Act
    const response = await post(`${url}/_local/schedules/compact`, 'adm_secret');

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ functionName: 'compact', result: { partitions: [] } });
    expect(runs).toEqual([{ name: 'compact', input: {} }]);
  });

  it("adds a JSON object body's fields to the scheduled event, and refuses any other body", async () => {
    // Prepare
    const { url } = await start();

    // Act
    const withInput = await post(`${url}/_local/schedules/compact`, 'adm_secret', '{"asOf":"2026-11-22"}');
    const notAnObject = await post(`${url}/_local/schedules/compact`, 'adm_secret', '["2026-11-22"]');
    const notJson = await post(`${url}/_local/schedules/compact`, 'adm_secret', 'asOf=2026-11-22');

    // Assess
    expect(withInput.status).toBe(200);
    expect([notAnObject.status, notJson.status]).toEqual([400, 400]);
    expect(runs).toEqual([{ name: 'compact', input: { asOf: '2026-11-22' } }]);
  });

  it('runs nothing without the admin token', async () => {
    // Prepare
    const { url } = await start();

    // Act
    const anonymous = await post(`${url}/_local/schedules/compact`);
    const wrong = await post(`${url}/_local/schedules/compact`, 'adm_other');

    // Assess
    expect([anonymous.status, wrong.status]).toEqual([401, 401]);
    expect(runs).toEqual([]);
  });

  it('answers 404 for a function without a schedule', async () => {
    // Prepare
    const { url } = await start();

    // Act
    const response = await post(`${url}/_local/schedules/land`, 'adm_secret');

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ functionName: 'land' });
  });
});
