import type { InjectOptions } from 'fastify';
import type { TestApi } from '../support/api.js';

export interface RouteCase {
  readonly name: string;
  readonly method: NonNullable<InjectOptions['method']>;
  /** The path for a target user (and key); `api` supplies the ids. */
  readonly url: (api: TestApi, userId: string) => string;
  readonly body?: unknown;
  readonly success: number;
  /** The path names no user: any member succeeds, whoever the USER-ID would have been. */
  readonly anyUser?: true;
}

/** Every authenticated resource, for the suites that must hold on all of them. */
export const ROUTES: readonly RouteCase[] = [
  {
    name: 'create key',
    method: 'POST',
    url: (_, id) => `/users/${id}/keys`,
    body: { description: 'x' },
    success: 201,
  },
  { name: 'list keys', method: 'GET', url: (_, id) => `/users/${id}/keys`, success: 200 },
  {
    name: 'update key',
    method: 'PATCH',
    url: (api, id) =>
      `/users/${id}/keys/${id === api.alice.user.id ? api.alice.keyId : api.bob.keyId}`,
    body: { enabled: true },
    success: 200,
  },
  {
    // The key keeps working for the day of overlap: later requests of a suite still pass.
    name: 'roll key',
    method: 'POST',
    url: (api, id) =>
      `/users/${id}/keys/${id === api.alice.user.id ? api.alice.keyId : api.bob.keyId}/roll`,
    body: {},
    success: 201,
  },
  { name: 'get user', method: 'GET', url: (_, id) => `/users/${id}`, success: 200 },
  {
    name: 'get user by name',
    method: 'GET',
    url: (api, id) =>
      `/users/byName/${id === api.alice.user.id ? api.alice.username : api.bob.username}`,
    success: 200,
  },
  // Access lists. The entry added is app.inject's own address, so the list it starts admits
  // the suite's later requests; 'get access-list entry' reads it.
  {
    name: 'add to access list',
    method: 'POST',
    url: (_, id) => `/users/${id}/accessList`,
    body: [{ ipAddress: '127.0.0.1' }],
    success: 201,
  },
  {
    name: 'list access list',
    method: 'GET',
    url: (_, id) => `/users/${id}/accessList`,
    success: 200,
  },
  { name: 'list whitelist', method: 'GET', url: (_, id) => `/users/${id}/whitelist`, success: 200 },
  {
    name: 'get access-list entry',
    method: 'GET',
    url: (_, id) => `/users/${id}/whitelist/127.0.0.1%2F32`,
    success: 200,
  },
  {
    name: 'list org users',
    method: 'GET',
    url: (api) => `/orgs/${api.orgId}/users`,
    success: 200,
    anyUser: true,
  },
  {
    name: 'update user',
    method: 'PATCH',
    url: (_, id) => `/users/${id}`,
    body: { lastName: 'Unchanged' },
    success: 200,
  },
  { name: 'list orgs', method: 'GET', url: () => '/orgs', success: 200, anyUser: true },
  {
    name: 'get org',
    method: 'GET',
    url: (api) => `/orgs/${api.orgId}`,
    success: 200,
    anyUser: true,
  },
];
