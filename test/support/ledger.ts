// The sum of a tenant's ledger, page by page: it must equal the account's balance.
// biome-ignore lint/suspicious/noExplicitAny: API bodies of many shapes, read field by field
type Client = (method: string, path: string) => Promise<{ body: Record<string, any> | null }>;

export async function ledgerSum(admin: Client): Promise<number> {
  let sum = 0;
  let cursor: string | null = null;
  do {
    const page = await admin('GET', `/v1/credits/transactions?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    for (const entry of page.body!.items) sum += entry.amount as number;
    cursor = page.body!.nextCursor;
  } while (cursor);
  return sum;
}
