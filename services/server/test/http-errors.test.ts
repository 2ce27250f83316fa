import { describe, expect, it } from 'vitest';
import { TEST_BODY_LIMIT, useTestApp } from './support/test-app.js';

const testApp = useTestApp();

describe('problem+json for everything a client can get wrong', () => {
  const problemType = /^application\/problem\+json/;

  it('answers unknown routes with 404', async () => {
    const response = await testApp().app.inject({ method: 'GET', url: '/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(problemType);
    expect(response.json()).toMatchObject({
      type: 'urn:unveil:problem:UNVEIL_ERR_HTTP_NOT_FOUND',
      title: 'No such route',
      status: 404,
      instance: '/nothing-here',
      code: 'UNVEIL_ERR_HTTP_NOT_FOUND',
      errors: [],
    });
  });

  it('answers malformed JSON with 400', async () => {
    const response = await testApp().app.inject({
      method: 'POST',
      url: '/api/v1/environments',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testApp().adminKey}` },
      payload: '{"key": "a",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(problemType);
    expect(response.json().code).toBe('UNVEIL_ERR_HTTP_BAD_JSON');
  });

  it('answers prototype pollution attempts with 400', async () => {
    const response = await testApp().app.inject({
      method: 'POST',
      url: '/api/v1/environments',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testApp().adminKey}` },
      payload: '{"key": "a", "name": "A", "__proto__": {"admin": true}}',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(problemType);
  });

  it('answers an empty JSON body with 400', async () => {
    const response = await testApp().app.inject({
      method: 'POST',
      url: '/api/v1/environments',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testApp().adminKey}` },
      payload: '',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('UNVEIL_ERR_HTTP_BAD_JSON');
  });

  it('answers a body over the limit with 413', async () => {
    const response = await testApp().app.inject({
      method: 'POST',
      url: '/api/v1/environments',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testApp().adminKey}` },
      payload: JSON.stringify({ key: 'big', name: 'x'.repeat(TEST_BODY_LIMIT) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(problemType);
    expect(response.json().code).toBe('UNVEIL_ERR_HTTP_BODY_TOO_LARGE');
  });

  it('answers a non-JSON content type with 415', async () => {
    const response = await testApp().app.inject({
      method: 'POST',
      url: '/api/v1/environments',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${testApp().adminKey}` },
      payload: '<environment/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('UNVEIL_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a body of the wrong JSON type with 400 naming /body', async () => {
    const { request } = testApp();
    const response = await request({ method: 'POST', url: '/api/v1/flags', body: [1, 2, 3] });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].path).toBe('/body');
  });

  it('answers bad query and path parameters with 400 naming them', async () => {
    const { request } = testApp();
    const query = await request({ method: 'GET', url: '/api/v1/flags?limit=0&colour=red' });
    expect(query.status).toBe(400);
    expect(query.body.errors.map((error: { path: string }) => error.path)).toEqual(
      expect.arrayContaining(['/query/limit', '/query']),
    );
    const params = await request({ method: 'GET', url: '/api/v1/flags/NOT_A_KEY' });
    expect(params.status).toBe(400);
    expect(params.body.errors[0].path).toBe('/params/flag');
  });

  it('answers malformed headers with 400 naming them', async () => {
    const { request } = testApp();
    const ifMatch = await request({
      method: 'PATCH',
      url: '/api/v1/environments/whatever',
      headers: { 'if-match': 'W/"abc"' },
      body: { name: 'x' },
    });
    expect(ifMatch.status).toBe(400);
    expect(ifMatch.body).toMatchObject({
      code: 'UNVEIL_ERR_HTTP_BAD_HEADER',
      errors: [{ path: '/headers/if-match' }],
    });
    const reason = await request({
      method: 'POST',
      url: '/api/v1/environments',
      headers: { 'x-unveil-reason': ' ' },
      body: { key: 'blank-reason', name: 'B' },
    });
    expect(reason.status).toBe(400);
    expect(reason.body.errors[0].path).toBe('/headers/x-unveil-reason');
  });

  it('refuses an If-Match that disagrees with expectedVersion', async () => {
    const { request } = testApp();
    await request({ method: 'POST', url: '/api/v1/environments', body: { key: 'disagree', name: 'D' } });
    const response = await request({
      method: 'PATCH',
      url: '/api/v1/environments/disagree',
      headers: { 'if-match': '"1"' },
      body: { name: 'x', expectedVersion: 2 },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('UNVEIL_ERR_HTTP_BAD_HEADER');
  });
});

describe('health', () => {
  it('is live and ready once migrated', async () => {
    const { request } = testApp();
    expect((await request({ method: 'GET', url: '/healthz' })).body).toEqual({ status: 'ok' });
    expect((await request({ method: 'GET', url: '/readyz' })).body).toEqual({ status: 'ok' });
  });
});

describe('OpenAPI', () => {
  it('describes every admin route from the zod schemas', async () => {
    const { request } = testApp();
    const response = await request({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const put = response.body.paths['/api/v1/environments/{env}/flags/{flag}'].put;
    expect(put.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(['env', 'flag']);
    expect(put.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['enabled', 'offVariant', 'fallthrough']),
    );
    expect(put.responses['200'].content['application/json'].schema.properties.updatedAt).toMatchObject({
      type: 'string',
      format: 'date-time',
    });
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/flags',
        '/api/v1/audit',
        '/api/v1/environments/{env}/segments/{segment}',
      ]),
    );
  });
});
