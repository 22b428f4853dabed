// Artifacts through the HTTP API: upload through a presigned URL, sample, download, isolation, delete.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';

const platform = apiClient(inject('demo').platformAdminKey);
let api: ReturnType<typeof apiClient>;
let other: ReturnType<typeof apiClient>;

beforeAll(async () => {
  const [a, b] = await Promise.all(
    ['artifacts A', 'artifacts B'].map((name) =>
      platform('POST', '/v1/tenants', { name, plan: 'enterprise' }),
    ),
  );
  api = apiClient(a!.body!.apiKey.key);
  other = apiClient(b!.body!.apiKey.key);
});

const csv = 'domain,name,employees\nacme.example,"Acme, Inc.",420\nbluefin.example,Bluefin,180\n';

async function upload(filename: string, contentType: string, body: string) {
  const created = await api('POST', '/v1/artifacts', {
    filename,
    contentType,
    size: Buffer.byteLength(body),
  });
  expect(created.status).toBe(201);
  const { url, method, headers } = created.body!.upload;
  const put = await fetch(url, { method, headers, body });
  expect(put.status).toBe(200);
  return created.body!;
}

describe('artifacts', () => {
  it('uploads a CSV through a presigned URL and shows its first rows with columns', async () => {
    const artifact = await upload('leads.csv', 'text/csv', csv);
    expect(artifact).toMatchObject({ filename: 'leads.csv', status: 'pending' });
    expect(artifact.upload.url).toContain(`tenants/`);
    expect((await api('GET', `/v1/artifacts/${artifact.id}`)).body).toMatchObject({
      status: 'uploaded',
      size: csv.length,
    });
    const sample = await api('GET', `/v1/artifacts/${artifact.id}/sample`);
    expect(sample.body).toEqual({
      id: artifact.id,
      format: 'csv',
      columns: ['domain', 'name', 'employees'],
      rows: [
        { domain: 'acme.example', name: 'Acme, Inc.', employees: '420' },
        { domain: 'bluefin.example', name: 'Bluefin', employees: '180' },
      ],
      truncated: false,
    });
    const download = await api('GET', `/v1/artifacts/${artifact.id}/download`);
    expect(await (await fetch(download.body!.url)).text()).toBe(csv);
    expect((await api('GET', '/v1/artifacts')).body!.items.map((a: { id: string }) => a.id)).toContain(
      artifact.id,
    );
  });

  it('samples JSON Lines and refuses other types clearly', async () => {
    const jsonl = await upload('rows.jsonl', 'application/x-ndjson', '{"a":1}\n{"a":2,"b":"x"}\n');
    expect((await api('GET', `/v1/artifacts/${jsonl.id}/sample`)).body).toMatchObject({
      format: 'jsonl',
      columns: ['a', 'b'],
      rows: [{ a: 1 }, { a: 2, b: 'x' }],
    });
    const pdf = await upload('report.pdf', 'application/pdf', '%PDF-1.4 tiny');
    const refused = await api('GET', `/v1/artifacts/${pdf.id}/sample`);
    expect(refused.status).toBe(422);
    expect(refused.body!.detail).toContain('CSV, JSON and JSON Lines');
  });

  it('never accepts a body that differs from the declared size', async () => {
    const created = await api('POST', '/v1/artifacts', {
      filename: 'x.csv',
      contentType: 'text/csv',
      size: 5,
    });
    // S3 refuses it against the signed length; the local S3 server does not, so the check after upload does.
    await fetch(created.body!.upload.url, {
      method: 'PUT',
      headers: created.body!.upload.headers,
      body: 'much longer than five bytes',
    });
    const artifact = (await api('GET', `/v1/artifacts/${created.body!.id}`)).body!;
    expect(artifact.status).not.toBe('uploaded');
    expect((await api('GET', `/v1/artifacts/${created.body!.id}/sample`)).status).toBe(409);
  });

  it('validates input, keeps tenants apart and deletes', async () => {
    const bad = await api('POST', '/v1/artifacts', {
      filename: '../../etc/passwd',
      contentType: 'text',
      size: 0,
    });
    expect(bad.status).toBe(422);
    expect(bad.body!.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'contentType',
      'filename',
      'size',
    ]);
    const artifact = await upload('mine.json', 'application/json', '[{"x":1}]');
    for (const path of ['', '/download', '/sample'])
      expect((await other('GET', `/v1/artifacts/${artifact.id}${path}`)).status).toBe(404);
    expect((await other('DELETE', `/v1/artifacts/${artifact.id}`)).status).toBe(404);
    expect((await api('DELETE', `/v1/artifacts/${artifact.id}`)).status).toBe(204);
    expect((await api('GET', `/v1/artifacts/${artifact.id}`)).status).toBe(404);
  });
});
