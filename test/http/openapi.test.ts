import { Ajv } from 'ajv';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { ATLAS, TestApi } from '../support/api.js';

interface Operation {
  readonly security?: unknown[];
  readonly responses: Record<string, { content?: { 'application/json': { schema: object } } }>;
}
interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly version: string };
  readonly paths: Record<string, Record<string, Operation>>;
}

// The document is generated from the routes' schemas; these tests hold it to what the
// server really answers: every resource listed, and real responses valid against it.
describe('GET /openapi.json', () => {
  let api: TestApi;
  let doc: OpenApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true });

  beforeAll(async () => {
    api = await TestApi.start();
    const response = await api.app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    doc = response.json();
  });
  afterAll(() => api.close());

  /** The response validates against the schema documented for its path, method and status. */
  const conforms = (path: string, method: string, response: LightMyRequestResponse) => {
    const operation = doc.paths[path]?.[method];
    expect(operation, `${method} ${path} is documented`).toBeDefined();
    const documented =
      operation?.responses[String(response.statusCode)] ?? operation?.responses.default;
    const schema = documented?.content?.['application/json'].schema;
    expect(schema, `${method} ${path} documents ${response.statusCode}`).toBeDefined();
    const validate = ajv.compile(schema as object);
    expect(validate(response.json()), JSON.stringify(validate.errors)).toBe(true);
  };

  it('is served without credentials, as OpenAPI 3.1 with the package version', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(VERSION);
  });

  it('lists every resource once, under the Atlas prefix, and nothing else', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        `POST ${ATLAS}/users/{userId}/keys`,
        `GET ${ATLAS}/users/{userId}/keys`,
        `PATCH ${ATLAS}/users/{userId}/keys/{keyId}`,
        `DELETE ${ATLAS}/users/{userId}/keys/{keyId}`,
        `POST ${ATLAS}/users/{userId}/keys/{keyId}/roll`,
        `GET ${ATLAS}/users/{userId}`,
        `GET ${ATLAS}/users/byName/{username}`,
        `GET ${ATLAS}/orgs/{orgId}/users`,
        `GET ${ATLAS}/orgs/{orgId}/apiKeys`,
        `POST ${ATLAS}/orgs/{orgId}/apiKeys`,
        `GET ${ATLAS}/orgs/{orgId}/apiKeys/{apiKeyId}`,
        `PATCH ${ATLAS}/orgs/{orgId}/apiKeys/{apiKeyId}`,
        `DELETE ${ATLAS}/orgs/{orgId}/apiKeys/{apiKeyId}`,
        ...['users/{userId}', 'orgs/{orgId}/apiKeys/{apiKeyId}'].flatMap((owner) =>
          ['accessList', 'whitelist'].flatMap((name) => [
            `GET ${ATLAS}/${owner}/${name}`,
            `POST ${ATLAS}/${owner}/${name}`,
            `GET ${ATLAS}/${owner}/${name}/{address}`,
            `DELETE ${ATLAS}/${owner}/${name}/{address}`,
          ]),
        ),
        `POST ${ATLAS}/users`,
        `PATCH ${ATLAS}/users/{userId}`,
        `GET ${ATLAS}/orgs`,
        `GET ${ATLAS}/orgs/{orgId}`,
        `PATCH ${ATLAS}/orgs/{orgId}`,
        `DELETE ${ATLAS}/orgs/{orgId}`,
        'GET /health',
        'GET /auth/digest',
      ].sort(),
    );
    expect(doc.paths['/health']?.get?.security).toEqual([]);
  });

  it('describes the answers the server really gives, errors included', async () => {
    const { alice } = api;
    const keys = `${ATLAS}/users/${alice.user.id}/keys`;
    const created = await api.request({
      method: 'POST',
      url: keys,
      as: alice,
      body: { description: 'doc' },
    });
    expect(created.statusCode).toBe(201);
    conforms(`${ATLAS}/users/{userId}/keys`, 'post', created);

    // Used once, so lastUsed is present in the list.
    const list = await api.request({ url: keys, as: alice });
    expect(list.json().results.some((k: { lastUsed?: string }) => k.lastUsed)).toBe(true);
    conforms(`${ATLAS}/users/{userId}/keys`, 'get', list);

    const patched = await api.request({
      method: 'PATCH',
      url: `${keys}/${created.json().id}`,
      as: alice,
      body: { enabled: false },
    });
    conforms(`${ATLAS}/users/{userId}/keys/{keyId}`, 'patch', patched);

    conforms(
      `${ATLAS}/users/{userId}`,
      'get',
      await api.request({ url: `${ATLAS}/users/${alice.user.id}`, as: alice }),
    );
    conforms(
      `${ATLAS}/users/byName/{username}`,
      'get',
      await api.request({ url: `${ATLAS}/users/byName/${alice.username}`, as: alice }),
    );
    conforms(
      `${ATLAS}/orgs/{orgId}/users`,
      'get',
      await api.request({ url: `${ATLAS}/orgs/${api.orgId}/users?includeCount=false`, as: alice }),
    );
    conforms('/health', 'get', await api.app.inject({ url: '/health' }));

    const missing = await api.request({
      method: 'PATCH',
      url: `${keys}/${'0'.repeat(24)}`,
      as: alice,
      body: { enabled: true },
    });
    expect(missing.statusCode).toBe(404);
    conforms(`${ATLAS}/users/{userId}/keys/{keyId}`, 'patch', missing);
    const refused = await api.request({ url: keys, as: api.bob });
    expect(refused.statusCode).toBe(401);
    conforms(`${ATLAS}/users/{userId}/keys`, 'get', refused);
  });

  it('describes the access-list answers, errors included', async () => {
    const { bob } = api;
    const list = `${ATLAS}/users/${bob.user.id}/accessList`;
    const added = await api.request({
      method: 'POST',
      url: list,
      as: bob,
      body: [{ ipAddress: '127.0.0.1', comment: 'inject' }, { cidrBlock: '2001:db8::/32' }],
    });
    expect(added.statusCode).toBe(201);
    conforms(`${ATLAS}/users/{userId}/accessList`, 'post', added);
    conforms(
      `${ATLAS}/users/{userId}/whitelist`,
      'get',
      await api.request({ url: `${ATLAS}/users/${bob.user.id}/whitelist`, as: bob }),
    );
    const entry = await api.request({ url: `${list}/127.0.0.1`, as: bob });
    expect(entry.statusCode).toBe(200);
    conforms(`${ATLAS}/users/{userId}/accessList/{address}`, 'get', entry);
    const refused = await api.request({
      method: 'POST',
      url: list,
      as: bob,
      body: [{ ipAddress: 'x' }],
    });
    expect(refused.statusCode).toBe(400);
    conforms(`${ATLAS}/users/{userId}/accessList`, 'post', refused);
    const missing = await api.request({ method: 'DELETE', url: `${list}/10.0.0.1`, as: bob });
    expect(missing.statusCode).toBe(404);
    conforms(`${ATLAS}/users/{userId}/accessList/{address}`, 'delete', missing);
  });

  it('describes the org and user resources as they answer, conflicts included', async () => {
    const { root, orgId } = api;
    const org = `${ATLAS}/orgs/${orgId}`;
    conforms(`${ATLAS}/orgs`, 'get', await api.request({ url: `${ATLAS}/orgs`, as: root }));
    conforms(`${ATLAS}/orgs/{orgId}`, 'get', await api.request({ url: org, as: root }));
    const renamed = await api.request({
      method: 'PATCH',
      url: org,
      as: root,
      body: { name: 'Test Org' },
    });
    expect(renamed.statusCode).toBe(200);
    conforms(`${ATLAS}/orgs/{orgId}`, 'patch', renamed);
    const busy = await api.request({ method: 'DELETE', url: org, as: root });
    expect(busy.statusCode).toBe(409);
    conforms(`${ATLAS}/orgs/{orgId}`, 'delete', busy);
    const body = {
      username: 'doc@example.com',
      emailAddress: 'doc@example.com',
      firstName: 'Doc',
      lastName: 'Umented',
      roles: [{ orgId, roleName: 'ORG_MEMBER' }],
    };
    const created = await api.request({ method: 'POST', url: `${ATLAS}/users`, as: root, body });
    expect(created.statusCode).toBe(201);
    conforms(`${ATLAS}/users`, 'post', created);
    const taken = await api.request({ method: 'POST', url: `${ATLAS}/users`, as: root, body });
    expect(taken.statusCode).toBe(409);
    conforms(`${ATLAS}/users`, 'post', taken);
    const patched = await api.request({
      method: 'PATCH',
      url: `${ATLAS}/users/${created.json().id}`,
      as: root,
      body: { lastName: 'Again' },
    });
    conforms(`${ATLAS}/users/{userId}`, 'patch', patched);
  });

  it('would catch a response that breaks the document', () => {
    const schema =
      doc.paths[`${ATLAS}/users/{userId}/keys`]?.get?.responses['200']?.content?.[
        'application/json'
      ].schema;
    const validate = ajv.compile(schema as object);
    expect(validate({ links: [], results: [{ id: 'x' }] })).toBe(false);
  });
});
