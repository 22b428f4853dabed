// Artifacts: upload by file picker or drag and drop (with progress, straight to S3 through the presigned URL
// the API returns), the sample as a table, download, and the run an upload trigger started.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type DragEvent, useState } from 'react';
import { api, type Page } from '../api';
import { useCan } from '../auth';
import {
  Empty,
  ErrorNote,
  formatBytes,
  Loading,
  newIdempotencyKey,
  PageHeader,
  RowButton,
  StatusBadge,
  TableBox,
  TableHead,
  When,
} from '../components/ui';
import type { Artifact } from '../types';

interface Trigger {
  id: string;
  recipeId: string;
  prefix?: string;
  description?: string;
}

interface Sample {
  format: string;
  columns: string[];
  rows: unknown[];
  truncated: boolean;
}

type Created = Artifact & { upload: { method: 'PUT'; url: string; headers: Record<string, string> } };

export function ArtifactsPage() {
  const canUpload = useCan('operator');
  const canDelete = useCan('editor');
  const queryClient = useQueryClient();
  const artifacts = useQuery({
    queryKey: ['artifacts'],
    queryFn: () => api<Page<Artifact>>('/v1/artifacts', { query: { limit: 100 } }),
    refetchInterval: (query) =>
      query.state.data?.items.some((a) => a.status === 'pending' || (a.triggerId && !a.run)) ? 1500 : false,
  });
  const triggers = useQuery({
    queryKey: ['triggers'],
    queryFn: () => api<Page<Trigger>>('/v1/triggers', { query: { limit: 100 } }),
  });
  const [triggerId, setTriggerId] = useState('');
  const [progress, setProgress] = useState<{ name: string; percent: number }>();
  const [error, setError] = useState<unknown>();
  const [dragging, setDragging] = useState(false);
  const [selected, setSelected] = useState<string>();

  const upload = async (file: File) => {
    setError(undefined);
    setProgress({ name: file.name, percent: 0 });
    try {
      const created = await api<Created>('/v1/artifacts', {
        method: 'POST',
        idempotencyKey: newIdempotencyKey(),
        body: {
          filename: file.name,
          contentType: file.type || guessType(file.name),
          size: file.size,
          ...(triggerId ? { triggerId } : {}),
        },
      });
      await put(created.upload.url, created.upload.headers, file, (percent) =>
        setProgress({ name: file.name, percent }),
      );
      // Reading it marks it uploaded (the API checks the bucket); the trigger's run follows.
      await api(`/v1/artifacts/${created.id}`);
      setSelected(created.id);
      await queryClient.invalidateQueries({ queryKey: ['artifacts'] });
    } catch (caught) {
      setError(caught);
    } finally {
      setProgress(undefined);
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void upload(file);
  };
  const download = async (id: string) => {
    try {
      const { url } = await api<{ url: string }>(`/v1/artifacts/${id}/download`);
      window.location.assign(url);
    } catch (caught) {
      setError(caught);
    }
  };
  const remove = async (id: string) => {
    try {
      await api(`/v1/artifacts/${id}`, { method: 'DELETE', idempotencyKey: newIdempotencyKey() });
      if (selected === id) setSelected(undefined);
      await queryClient.invalidateQueries({ queryKey: ['artifacts'] });
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section>
      <PageHeader title="Artifacts" />
      {canUpload ? (
        // biome-ignore lint/a11y/noStaticElementInteractions: dropping a file adds to the labelled file input, which keyboards use
        <div
          className={`dropzone${dragging ? ' dragging' : ''}`}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <label htmlFor="file">File</label>
          <input
            id="file"
            type="file"
            disabled={!!progress}
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void upload(file);
              event.target.value = '';
            }}
          />
          <label htmlFor="trigger">Start a recipe with it (trigger)</label>
          <select id="trigger" value={triggerId} onChange={(e) => setTriggerId(e.target.value)}>
            <option value="">No trigger (or the trigger whose prefix the name starts with)</option>
            {triggers.data?.items.map((t) => (
              <option key={t.id} value={t.id}>
                {t.description ?? t.id} → {t.recipeId}
              </option>
            ))}
          </select>
          <p className="muted small">…or drop a file here (CSV, JSON or JSON Lines show a sample).</p>
          {progress ? (
            <div>
              <label htmlFor="upload-progress">Uploading {progress.name}</label>
              <progress id="upload-progress" max={100} value={progress.percent}>
                {progress.percent}%
              </progress>
            </div>
          ) : null}
        </div>
      ) : null}
      <ErrorNote error={error ?? artifacts.error} />
      {artifacts.isLoading ? <Loading /> : null}
      {artifacts.data?.items.length === 0 ? <Empty>No artifacts yet.</Empty> : null}
      {artifacts.data?.items.length ? (
        <TableBox label="Artifacts">
          <table>
            <TableHead columns={['File', 'Status', 'Size', 'Uploaded', 'Run', 'Actions']} />
            <tbody>
              {artifacts.data.items.map((artifact) => (
                <tr key={artifact.id} className={selected === artifact.id ? 'selected' : undefined}>
                  <td>
                    {artifact.filename}
                    <div className="muted small mono">{artifact.id}</div>
                  </td>
                  <td>
                    <StatusBadge status={artifact.status} />
                  </td>
                  <td>{formatBytes(artifact.size)}</td>
                  <td>
                    <When at={artifact.uploadedAt ?? artifact.createdAt} />
                  </td>
                  <td>
                    {artifact.run?.executionId ? (
                      <Link to="/runs/$id" params={{ id: artifact.run.executionId }} className="mono">
                        {artifact.run.executionId}
                      </Link>
                    ) : artifact.run?.error ? (
                      <span className="error-text">{artifact.run.error}</span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="row-actions">
                    {artifact.status === 'uploaded' ? (
                      <>
                        <RowButton
                          action="Sample"
                          item={`of ${artifact.filename}`}
                          onClick={() => setSelected(artifact.id)}
                        />
                        <RowButton
                          action="Download"
                          item={artifact.filename}
                          onClick={() => void download(artifact.id)}
                        />
                      </>
                    ) : null}
                    {canDelete ? (
                      <RowButton
                        danger
                        action="Delete"
                        item={artifact.filename}
                        onClick={() => void remove(artifact.id)}
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      ) : null}
      {selected ? <SampleView id={selected} /> : null}
    </section>
  );
}

function SampleView({ id }: { id: string }) {
  const sample = useQuery({
    queryKey: ['sample', id],
    queryFn: () => api<Sample>(`/v1/artifacts/${id}/sample`),
  });
  if (sample.isLoading) return <Loading />;
  if (!sample.data) return <ErrorNote error={sample.error} />;
  const { columns, rows, truncated, format } = sample.data;
  return (
    <section aria-label="Sample">
      <h2>
        Sample{' '}
        <span className="muted small">
          ({format}
          {truncated ? ', first rows' : ''})
        </span>
      </h2>
      <TableBox label="Sample rows">
        <table className="sample">
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: sample rows are positional
              <tr key={index}>
                {columns.map((column) => (
                  <td key={column}>{cell(row, column)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </section>
  );
}

function cell(row: unknown, column: string): string {
  const value = row && typeof row === 'object' ? (row as Record<string, unknown>)[column] : row;
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function guessType(name: string): string {
  if (/\.csv$/i.test(name)) return 'text/csv';
  if (/\.jsonl$/i.test(name)) return 'application/x-ndjson';
  if (/\.json$/i.test(name)) return 'application/json';
  if (/\.txt$/i.test(name)) return 'text/plain';
  return 'application/octet-stream';
}

/** PUT to the presigned URL with progress (fetch cannot report upload progress; XMLHttpRequest can). */
function put(
  url: string,
  headers: Record<string, string>,
  file: File,
  onProgress: (percent: number) => void,
) {
  return new Promise<void>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    request.onload = () =>
      request.status < 300 ? resolve() : reject(new Error(`the upload was refused (${request.status})`));
    request.onerror = () => reject(new Error('the upload failed: the storage service could not be reached'));
    request.send(file);
  });
}
