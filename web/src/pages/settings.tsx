// Settings: tenant settings, credentials (metadata only; a secret is set, never read back) and API keys
// (a new key is shown once).
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, type Page } from '../api';
import { useCan } from '../auth';
import {
  ErrorNote,
  Loading,
  newIdempotencyKey,
  PageHeader,
  RowButton,
  ShownOnce,
  TableBox,
  TableHead,
  When,
} from '../components/ui';
import { useAction } from '../components/use-action';

const CREDENTIAL_FIELDS = {
  openai: [
    ['apiKey', 'API key of the provider', true],
    ['baseUrl', 'Base URL (OpenAI-compatible providers)', false],
  ],
  http_bearer: [['token', 'Bearer token', true]],
  webhook_secret: [['secret', 'Signing secret (16+ characters)', true]],
  smtp: [['url', 'SMTP URL (smtp://user:pass@host:port)', true]],
} as const;
type CredentialType = keyof typeof CREDENTIAL_FIELDS;

export function SettingsPage() {
  return (
    <section>
      <PageHeader title="Settings" />
      <TenantSettings />
      <Credentials />
      <ApiKeys />
    </section>
  );
}

function TenantSettings() {
  const canEdit = useCan('admin');
  const settings = useQuery({
    queryKey: ['settings'],
    queryFn: () => api<Record<string, unknown>>('/v1/settings'),
  });
  const [text, setText] = useState('');
  const [saved, setSaved] = useState(false);
  const action = useAction([['settings']]);
  useEffect(() => {
    if (settings.data) {
      const { updatedAt: _, ...rest } = settings.data;
      setText(JSON.stringify(rest, null, 2));
    }
  }, [settings.data]);
  const save = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void action.run(async () => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error('Settings are not valid JSON');
      }
      await api('/v1/settings', { method: 'PUT', body, idempotencyKey: newIdempotencyKey() });
      setSaved(true);
    });
  };
  if (settings.isLoading) return <Loading />;
  return (
    <form className="card" onSubmit={save}>
      <h2>Tenant settings</h2>
      <p className="muted small">
        Default AI provider and model, the origins the http step may reach on private networks, and values
        templates read as settings.*.
      </p>
      <label htmlFor="settings-json">Settings (JSON)</label>
      <textarea
        id="settings-json"
        className="mono tall"
        value={text}
        readOnly={!canEdit}
        onChange={(e) => setText(e.target.value)}
      />
      <ErrorNote error={action.error ?? settings.error} />
      {saved ? <p role="status">Saved.</p> : null}
      {canEdit ? (
        <button type="submit" className="primary" disabled={action.busy}>
          Save
        </button>
      ) : null}
    </form>
  );
}

interface Credential {
  name: string;
  type: CredentialType;
  createdAt: string;
  updatedAt: string;
}

function Credentials() {
  const canEdit = useCan('editor');
  const credentials = useQuery({
    queryKey: ['credentials'],
    queryFn: () => api<Page<Credential>>('/v1/credentials'),
  });
  const action = useAction([['credentials']]);
  const [name, setName] = useState('');
  const [type, setType] = useState<CredentialType>('openai');
  const [value, setValue] = useState<Record<string, string>>({});
  const set = (event: FormEvent) => {
    event.preventDefault();
    void action
      .run(() =>
        api(`/v1/credentials/${encodeURIComponent(name)}`, {
          method: 'PUT',
          idempotencyKey: newIdempotencyKey(),
          body: { type, value: Object.fromEntries(Object.entries(value).filter(([, v]) => v !== '')) },
        }),
      )
      .then(() => setValue({}));
  };
  return (
    <div className="card">
      <h2>Credentials</h2>
      <ErrorNote error={action.error ?? credentials.error} />
      <TableBox label="Credentials">
        <table>
          <TableHead columns={['Name', 'Type', 'Updated', canEdit && 'Actions']} />
          <tbody>
            {credentials.data?.items.map((c) => (
              <tr key={c.name}>
                <td className="mono">{c.name}</td>
                <td>{c.type}</td>
                <td>
                  <When at={c.updatedAt} />
                </td>
                {canEdit ? (
                  <td>
                    <RowButton
                      danger
                      action="Delete"
                      item={`credential ${c.name}`}
                      onClick={() => void action.remove(`/v1/credentials/${encodeURIComponent(c.name)}`)}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
      {canEdit ? (
        <form className="form-grid" onSubmit={set}>
          <h3>Set a secret</h3>
          <label htmlFor="credential-name">Name</label>
          <input
            id="credential-name"
            required
            pattern="[A-Za-z0-9_.\-]+"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <label htmlFor="credential-type">Type</label>
          <select
            id="credential-type"
            value={type}
            onChange={(e) => setType(e.target.value as CredentialType)}
          >
            {Object.keys(CREDENTIAL_FIELDS).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          {CREDENTIAL_FIELDS[type].map(([field, label, required]) => (
            <div key={field} className="field">
              <label htmlFor={`credential-${field}`}>{label}</label>
              <input
                id={`credential-${field}`}
                type={field === 'baseUrl' ? 'url' : 'password'}
                autoComplete="off"
                required={required}
                value={value[field] ?? ''}
                onChange={(e) => setValue({ ...value, [field]: e.target.value })}
              />
            </div>
          ))}
          <button type="submit" className="primary" disabled={action.busy}>
            Set secret
          </button>
        </form>
      ) : null}
    </div>
  );
}

interface ApiKey {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  key?: string;
}

function ApiKeys() {
  const isAdmin = useCan('admin');
  const keys = useQuery({
    queryKey: ['api-keys'],
    enabled: isAdmin,
    queryFn: () => api<Page<ApiKey>>('/v1/api-keys', { query: { limit: 100 } }),
  });
  const action = useAction([['api-keys']]);
  const [name, setName] = useState('');
  const [role, setRole] = useState('viewer');
  const [created, setCreated] = useState<ApiKey>();
  if (!isAdmin) return null;
  const create = (event: FormEvent) => {
    event.preventDefault();
    void action
      .run(() =>
        api<ApiKey>('/v1/api-keys', {
          method: 'POST',
          idempotencyKey: newIdempotencyKey(),
          body: { name, role },
        }),
      )
      .then((key) => {
        if (key) {
          setCreated(key);
          setName('');
        }
      });
  };
  return (
    <div className="card">
      <h2>API keys</h2>
      <ErrorNote error={action.error ?? keys.error} />
      {created?.key ? (
        <ShownOnce id="new-key" label="New API key" value={created.key}>
          The key <strong>{created.name}</strong> ({created.role}). Copy it now: it is not shown again.
        </ShownOnce>
      ) : null}
      <TableBox label="API keys">
        <table>
          <TableHead columns={['Name', 'Role', 'Created', 'Actions']} />
          <tbody>
            {keys.data?.items.map((k) => (
              <tr key={k.id}>
                <td>
                  {k.name} <span className="muted small mono">{k.id}</span>
                </td>
                <td>{k.role}</td>
                <td>
                  <When at={k.createdAt} />
                </td>
                <td>
                  <RowButton
                    danger
                    action="Revoke"
                    item={`key ${k.name}`}
                    onClick={() => void action.remove(`/v1/api-keys/${k.id}`)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
      <form className="form-grid" onSubmit={create}>
        <h3>New key</h3>
        <label htmlFor="key-name">Name</label>
        <input id="key-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="key-role">Role</label>
        <select id="key-role" value={role} onChange={(e) => setRole(e.target.value)}>
          {['viewer', 'operator', 'editor', 'admin'].map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={action.busy}>
          Create key
        </button>
      </form>
    </div>
  );
}
