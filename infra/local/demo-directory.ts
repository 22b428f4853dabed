// A small fictional company directory served on loopback, so the built-in recipes run offline.
import { createServer, type Server } from 'node:http';
import { listen } from './http-server';

export const demoCompanies = [
  {
    domain: 'acme-logistics.example',
    name: 'Acme Logistics',
    industry: 'Logistics',
    employees: 420,
    country: 'DE',
    founded: 2009,
  },
  {
    domain: 'bluefin-pay.example',
    name: 'Bluefin Pay',
    industry: 'Fintech',
    employees: 180,
    country: 'NL',
    founded: 2016,
  },
  {
    domain: 'cobalt-robotics.example',
    name: 'Cobalt Robotics',
    industry: 'Manufacturing',
    employees: 75,
    country: 'US',
    founded: 2014,
  },
  {
    domain: 'dunmore-foods.example',
    name: 'Dunmore Foods',
    industry: 'Food',
    employees: 35,
    country: 'GB',
    founded: 1998,
  },
  {
    domain: 'eastwind-software.example',
    name: 'Eastwind Software',
    industry: 'Software',
    employees: 60,
    country: 'FR',
    founded: 2012,
  },
  {
    domain: 'fjord-analytics.example',
    name: 'Fjord Analytics',
    industry: 'Software',
    employees: 22,
    country: 'NO',
    founded: 2020,
  },
  {
    domain: 'granite-freight.example',
    name: 'Granite Freight',
    industry: 'Logistics',
    employees: 950,
    country: 'US',
    founded: 1987,
  },
  {
    domain: 'helio-energy.example',
    name: 'Helio Energy',
    industry: 'Energy',
    employees: 300,
    country: 'ES',
    founded: 2011,
  },
  {
    domain: 'ivy-health.example',
    name: 'Ivy Health',
    industry: 'Healthcare',
    employees: 140,
    country: 'DE',
    founded: 2015,
  },
  {
    domain: 'juniper-ledger.example',
    name: 'Juniper Ledger',
    industry: 'Fintech',
    employees: 12,
    country: 'GB',
    founded: 2022,
  },
  {
    domain: 'kestrel-cargo.example',
    name: 'Kestrel Cargo',
    industry: 'Logistics',
    employees: 65,
    country: 'NL',
    founded: 2018,
  },
  {
    domain: 'lumen-learning.example',
    name: 'Lumen Learning',
    industry: 'Education',
    employees: 48,
    country: 'US',
    founded: 2013,
  },
].map((c) => ({
  ...c,
  description: `${c.name} is a ${c.industry.toLowerCase()} company founded in ${c.founded}.`,
}));

export async function startDemoDirectory(port = 0): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://directory');
    res.setHeader('content-type', 'application/json');
    const company = /^\/companies\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && company) {
      const found = demoCompanies.find((c) => c.domain === decodeURIComponent(company[1]!));
      res.statusCode = found ? 200 : 404;
      return res.end(JSON.stringify(found ?? { message: 'no such company' }));
    }
    if (req.method === 'GET' && url.pathname === '/search') {
      const terms = (url.searchParams.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const matches = demoCompanies.filter((c) =>
        terms.some((t) => `${c.name} ${c.industry} ${c.description} ${c.country}`.toLowerCase().includes(t)),
      );
      // Two "sources" that overlap, as real lead searches do: the recipe dedupes them.
      return res.end(JSON.stringify({ results: [...matches, ...matches.slice(0, 2)] }));
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ message: 'not found' }));
  });
  const actual = await listen(server, port);
  return { url: `http://127.0.0.1:${actual}`, server };
}
