/* global process, Buffer, fetch, performance */
// The benchmark's load generator, in its own process so that the client's own work (fetch, JSON)
// never shares the event loop with the server it measures. Reads one job as JSON on stdin:
//   { baseUrl, token, method, requests: [{ url, body? }], warmup, concurrency, keepBodies }
// and writes { latencies, statuses, bodies, errors, elapsedMs } as JSON on stdout. Plain JavaScript:
// it runs with `node` alone.
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const headers = { authorization: `Bearer ${job.token}` };
async function once(req) {
  const res = await fetch(`${job.baseUrl}${req.url}`, {
    method: job.method,
    headers: req.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
  });
  const text = await res.text();
  return { status: res.status, text };
}

async function pool(count, offset, record) {
  let next = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const req = job.requests[(offset + i) % job.requests.length];
        const t = performance.now();
        let r;
        try {
          r = await once(req);
        } catch (e) {
          r = { status: 0, text: String(e) };
        }
        record?.(i, performance.now() - t, r);
      }
    }),
  );
}

const measured = job.requests.length - job.warmup;
await pool(job.warmup, measured, null);
const latencies = new Array(measured);
const statuses = new Array(measured);
const bodies = job.keepBodies ? new Array(measured) : [];
const errors = [];
const started = performance.now();
await pool(measured, 0, (i, ms, r) => {
  latencies[i] = ms;
  statuses[i] = r.status;
  if (r.status < 200 || r.status >= 300) {
    if (errors.length < 3) errors.push(`HTTP ${r.status} ${job.requests[i].url}: ${r.text.slice(0, 200)}`);
  } else if (job.keepBodies) bodies[i] = r.text;
});
const elapsedMs = performance.now() - started;
process.stdout.write(JSON.stringify({ latencies, statuses, bodies, errors, elapsedMs }));
