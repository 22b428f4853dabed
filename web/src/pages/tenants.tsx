// Tenants (platform admin only): every tenant with plan, status and balance; onboard one (its admin key is
// shown once); change its plan; suspend or reactivate it.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type Page } from '../api';
import { useCan } from '../auth';
import {
  Empty,
  ErrorNote,
  Loading,
  newIdempotencyKey,
  PageHeader,
  RowButton,
  ShownOnce,
  StatusBadge,
  TableBox,
  TableHead,
  When,
} from '../components/ui';
import { useAction } from '../components/use-action';

interface Tenant {
  id: string;
  name: string;
  plan: string;
  status: 'active' | 'suspended';
  createdAt: string;
  balance: number | null;
  running: number | null;
}

const PLANS = ['free', 'starter', 'pro', 'enterprise'];

export function TenantsPage() {
  const isPlatform = useCan('platform');
  const tenants = useQuery({
    queryKey: ['tenants'],
    enabled: isPlatform,
    queryFn: () => api<Page<Tenant>>('/v1/tenants', { query: { limit: 100 } }),
  });
  const action = useAction([['tenants']]);
  const [name, setName] = useState('');
  const [plan, setPlan] = useState('free');
  const [created, setCreated] = useState<{ name: string; key: string }>();
  if (!isPlatform) return <Empty>Only the platform admin manages tenants.</Empty>;
  const onboard = (event: FormEvent) => {
    event.preventDefault();
    void action
      .run(() =>
        api<{ tenant: Tenant; apiKey: { key: string } }>('/v1/tenants', {
          method: 'POST',
          idempotencyKey: newIdempotencyKey(),
          body: { name, plan },
        }),
      )
      .then((result) => {
        if (result) {
          setCreated({ name: result.tenant.name, key: result.apiKey.key });
          setName('');
        }
      });
  };
  const change = (id: string, body: Record<string, string>) =>
    void action.run(() =>
      api(`/v1/tenants/${id}`, { method: 'PATCH', idempotencyKey: newIdempotencyKey(), body }),
    );
  return (
    <section>
      <PageHeader title="Tenants" />
      <ErrorNote error={action.error ?? tenants.error} />
      {created ? (
        <ShownOnce id="tenant-key" label="Admin API key" value={created.key}>
          {created.name} is onboarded. Its admin key is shown once:
        </ShownOnce>
      ) : null}
      <form className="card form-grid" onSubmit={onboard}>
        <h2>Onboard a tenant</h2>
        <label htmlFor="tenant-name">Name</label>
        <input id="tenant-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="tenant-plan">Plan</label>
        <select id="tenant-plan" value={plan} onChange={(e) => setPlan(e.target.value)}>
          {PLANS.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={action.busy}>
          Onboard
        </button>
      </form>
      {tenants.isLoading ? <Loading /> : null}
      <TableBox label="Tenants">
        <table>
          <TableHead columns={['Tenant', 'Plan', 'Status', 'Balance', 'Running', 'Created', 'Actions']} />
          <tbody>
            {tenants.data?.items.map((t) => (
              <tr key={t.id}>
                <td>
                  {t.name} <span className="muted small mono">{t.id}</span>
                </td>
                <td>
                  <label className="sr-only" htmlFor={`plan-${t.id}`}>
                    Plan of {t.name}
                  </label>
                  <select
                    id={`plan-${t.id}`}
                    value={t.plan}
                    onChange={(e) => change(t.id, { plan: e.target.value })}
                  >
                    {PLANS.map((p) => (
                      <option key={p} value={p}>
                        {p}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <StatusBadge status={t.status} />
                </td>
                <td>{t.balance ?? '—'}</td>
                <td>{t.running ?? '—'}</td>
                <td>
                  <When at={t.createdAt} />
                </td>
                <td>
                  {t.status === 'active' ? (
                    <RowButton
                      danger
                      action="Suspend"
                      item={t.name}
                      onClick={() =>
                        change(t.id, { status: 'suspended', reason: 'suspended from the console' })
                      }
                    />
                  ) : (
                    <RowButton
                      action="Reactivate"
                      item={t.name}
                      onClick={() => change(t.id, { status: 'active' })}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </section>
  );
}
