// A small round-robin HTTP proxy for the cluster test: what a load balancer does in front
// of Pave's web processes. It checks each backend's readiness every 250 ms and sends
// traffic to ready ones (any, if none is ready); a backend that refuses the connection (it
// stopped listening) is skipped and the request goes to the next one; nothing else is
// retried. Every request is recorded with the backend that answered it.
import http from "node:http";

export type ProxiedRequest = { method: string; path: string; backend: number | null; status: number | null; error?: string; ms: number };

export type RoundRobinProxy = {
  url: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
};

export async function startRoundRobinProxy(port: number, backends: number[]): Promise<RoundRobinProxy> {
  const requests: ProxiedRequest[] = [];
  let next = 0;
  const ready = new Map(backends.map((backend) => [backend, true]));
  const checks = setInterval(() => {
    for (const backend of backends) {
      fetch(`http://127.0.0.1:${backend}/api/health/ready`, { signal: AbortSignal.timeout(1000) })
        .then(async (response) => {
          await response.arrayBuffer();
          ready.set(backend, response.ok);
        })
        .catch(() => ready.set(backend, false));
    }
  }, 250);

  /** This request's backends in the order to try: round robin, ready ones first. */
  function order(): number[] {
    const start = next++;
    const turn = backends.map((_, i) => backends[(start + i) % backends.length]!);
    return [...turn.filter((backend) => ready.get(backend)), ...turn.filter((backend) => !ready.get(backend))];
  }

  /** Sends one request to one backend; resolves "refused" if it never connected. */
  function forward(backend: number, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<"done" | "refused"> {
    return new Promise((resolve) => {
      const upstream = http.request(
        // No keep-alive: a backend that stops listening refuses the next request outright.
        { host: "127.0.0.1", port: backend, method: req.method, path: req.url, headers: { ...req.headers, "x-forwarded-host": req.headers.host ?? "" }, agent: false },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "x-pave-backend": String(backend) });
          answer.pipe(res);
          answer.on("end", () => resolve("done"));
          answer.on("error", () => resolve("done"));
        },
      );
      upstream.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ECONNREFUSED") return resolve("refused");
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end(`proxy: ${error.code ?? error.message}`);
        resolve("done");
      });
      upstream.end(body);
    });
  }

  const server = http.createServer(async (req, res) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const record: ProxiedRequest = { method: req.method ?? "GET", path: req.url ?? "/", backend: null, status: null, ms: 0 };
    for (const backend of order()) {
      if ((await forward(backend, req, body, res)) === "done") {
        record.backend = backend;
        break;
      }
    }
    if (record.backend === null) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("proxy: every backend refused the connection");
      record.error = "all backends refused";
    }
    record.status = res.statusCode;
    record.ms = Date.now() - started;
    requests.push(record);
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return {
    url: `http://localhost:${port}`,
    requests,
    close: () => {
      clearInterval(checks);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
