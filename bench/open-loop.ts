// An open-loop load generator, run as a process of its own by api-latency.ts: requests are sent at a constant
// arrival rate — one every 1/rate s, whether or not the earlier ones have been answered — over keep-alive
// connections, and each latency is counted from the moment its request was due, not from when it was sent,
// so a generator that falls behind shows as latency (no coordinated omission). This is what "p99 at N req/s"
// means; autocannon's `-R` instead lets each connection send its share of a second back to back at the top of
// every second, a burst as fast as the server answers, then nothing.
//
// Usage: tsx bench/open-loop.ts <targets as JSON: [{ url, headers }]> <method> <rate> <seconds> [<body>]
// Requests go to the targets in turn (several tenants share the rate). Prints one JSON object: requests,
// achieved rate, p50/p90/p99/max ms of the 2xx answers, non-2xx (and their statuses), errors.
import { Agent, request } from 'node:http';

const [targetsText, method, rateText, secondsText, body] = process.argv.slice(2);
const targets = JSON.parse(targetsText!) as Array<{ url: string; headers: Record<string, string> }>;
const rate = Number(rateText);
const seconds = Number(secondsText);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const total = Math.round(rate * seconds);
const interval = 1000 / rate;

const latencies: number[] = [];
let non2xx = 0;
const statuses: Record<number, number> = {};
let errors = 0;
let sent = 0;
let settled = 0;

function send(due: number, { url, headers }: (typeof targets)[number]): void {
  const req = request(url, { method, headers, agent }, (res) => {
    res.resume();
    res.on('end', () => {
      if (res.statusCode! < 200 || res.statusCode! >= 300) {
        non2xx += 1;
        statuses[res.statusCode!] = (statuses[res.statusCode!] ?? 0) + 1;
      } else latencies.push(performance.now() - due);
      done();
    });
  });
  req.on('error', () => {
    errors += 1;
    done();
  });
  req.end(body);
}

/** The value below which p% of the sorted values fall (nearest rank). */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

let finish: () => void;
const finished = new Promise<void>((resolve) => {
  finish = resolve;
});
function done(): void {
  settled += 1;
  if (settled === total) finish();
}

const start = performance.now();
// Every request whose time has come is sent on each tick; a late tick sends the ones it missed at once.
const ticker = setInterval(() => {
  const now = performance.now();
  while (sent < total && start + sent * interval <= now) {
    send(start + sent * interval, targets[sent % targets.length]!);
    sent += 1;
  }
  if (sent === total) clearInterval(ticker);
}, 1);
await finished;
const elapsed = (performance.now() - start) / 1000;
agent.destroy();
latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    requests: total,
    reqPerSec: +(total / elapsed).toFixed(1),
    p50: +percentile(latencies, 50).toFixed(1),
    p90: +percentile(latencies, 90).toFixed(1),
    p99: +percentile(latencies, 99).toFixed(1),
    max: +(latencies.at(-1) ?? Number.NaN).toFixed(1),
    non2xx,
    statuses,
    errors,
  }),
);
