import { afterEach, describe, expect, it } from 'vitest';
import { listenForScrapes, type MetricsListener } from '../../src/metrics/listener.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { parsePrometheusText, total } from '../support/prometheus-text.js';

describe('the metrics listener', () => {
  let listener: MetricsListener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  it('serves GET /metrics only, on loopback', async () => {
    const metrics = new Metrics();
    metrics.request('GET', '/api/atlas/v1.0/users/:userId', 200, 0.002);
    metrics.auth('ok');
    metrics.auth('access_list');
    listener = await listenForScrapes('127.0.0.1', 0, metrics.scrape(), () => {});
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const m = parsePrometheusText(await (await fetch(listener.url)).text());
    expect(total(m, 'keyward_http_requests_total', { status: '200' })).toBe(1);
    const bucket = (le: string) => total(m, 'keyward_http_request_duration_seconds_bucket', { le });
    expect([bucket('0.001'), bucket('0.0025'), bucket('+Inf')]).toEqual([0, 1, 1]);
    expect(total(m, 'keyward_auth_outcomes_total', { reason: 'access_list' })).toBe(1);
    expect(total(m, 'keyward_auth_outcomes_total', { reason: 'replay' })).toBe(0);
    expect((await fetch(listener.url.replace('/metrics', '/health'))).status).toBe(404);
    const post = await fetch(listener.url, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('answers 503 when the metrics cannot be gathered', async () => {
    const errors: unknown[] = [];
    const broken = { contentType: 'text/plain', render: () => Promise.reject(new Error('gone')) };
    listener = await listenForScrapes('127.0.0.1', 0, broken, (error) => errors.push(error));
    expect((await fetch(listener.url)).status).toBe(503);
    expect(errors).toHaveLength(1);
  });
});
