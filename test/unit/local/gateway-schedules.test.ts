import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../infra/local/gateway.ts';

describe("the local gateway's schedule route", () => {
  let gateway: Gateway | undefined;
  const runs: string[] = [];

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
      runScheduled: async (name) => {
        if (name !== 'compact') throw new Error(`no scheduled function named ${name}`);
        runs.push(name);
        return { partitions: [] };
      },
    });
    return gateway;
  }

  const post = (url: string, token?: string) =>
    fetch(url, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('runs the named scheduled function for the admin and answers with what it returned', async () => {
    // Prepare
    const { url } = await start();

    // Act
    const response = await post(`${url}/_local/schedules/compact`, 'adm_secret');

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ functionName: 'compact', result: { partitions: [] } });
    expect(runs).toEqual(['compact']);
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
