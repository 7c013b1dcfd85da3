import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Reply, StandInContext } from "@/tests/github-stand-in/context";
import { faultReply, type Faults } from "@/tests/github-stand-in/faults";
import { checkRequest, checkResponse } from "@/tests/github-stand-in/openapi";
import { DOCS, error, invalid, notFound } from "@/tests/github-stand-in/responses/errors";
import { safeDecode, type MatchedRoute } from "@/tests/github-stand-in/router";
import type { StandInFaultRule, StandInRequest } from "@/tests/github-stand-in/types";

// The HTTP server: each request is recorded, may meet an injected fault, is checked for
// the token, validated against GitHub's description, handled, and its reply validated too.

export interface StandInServer {
  requests(): StandInRequest[];
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 and sets `ctx.baseUrl` to its address. */
export async function startServer(ctx: StandInContext, match: (method: string, rawPath: string) => MatchedRoute | undefined, faults: Faults): Promise<StandInServer> {
  const { options, violations } = ctx;
  const requestLog: StandInRequest[] = [];
  const hanging = new Set<Socket>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        serve(req, res, Buffer.concat(chunks).toString("utf8"));
      } catch (caught) {
        violations.push(`stand-in crashed on ${req.method} ${req.url}: ${String(caught)}`);
        write(res, { status: 500, body: { message: "Server Error", documentation_url: DOCS, status: "500" } });
      }
    });
  });

  function serve(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", ctx.baseUrl);
    const pathname = safeDecode(url.pathname);
    const entry: StandInRequest = { method, path: pathname, status: 0 };
    requestLog.push(entry);

    const matched = match(method, url.pathname);
    if (matched) entry.route = `${method} ${matched.template}`;

    const fault = faults.take(method, pathname);
    if (fault && !fault.afterHandling) return fail(res, entry, fault);

    let reply: Reply;
    let validated = false;
    if (options.token !== undefined && !authorized(req.headers.authorization)) {
      reply = matched?.template === "/user" ? error(401, "Requires authentication") : error(401, "Bad credentials");
    } else if (!matched) {
      reply = notFound();
    } else {
      const body = parseJson(rawBody);
      const requestProblem = body === undefined ? undefined : checkRequest(method, matched.template, body);
      if (body === undefined) {
        reply = error(400, "Problems parsing JSON");
      } else if (requestProblem) {
        violations.push(requestProblem);
        validated = true;
        reply = invalid("The stand-in received a request that does not match GitHub's OpenAPI description", [
          { resource: "OpenAPI", code: "invalid", message: requestProblem },
        ]);
      } else {
        reply = matched.handler({ params: matched.params, query: url.searchParams, body });
      }
    }
    if (matched && !validated) {
      const responseProblem = checkResponse(method, matched.template, reply);
      if (responseProblem) {
        violations.push(responseProblem);
        reply = { status: 500, body: { message: responseProblem, documentation_url: DOCS, status: "500" } };
      }
    }
    if (fault) return fail(res, entry, fault);
    entry.status = reply.status;
    write(res, reply);
  }

  function fail(res: ServerResponse, entry: StandInRequest, fault: StandInFaultRule): void {
    entry.status = fault.failure;
    if (fault.failure === "network") {
      res.socket?.destroy();
      return;
    }
    if (fault.failure === "hang") {
      if (res.socket) hanging.add(res.socket);
      return;
    }
    write(res, faultReply(fault.failure, fault));
  }

  function authorized(header: string | undefined): boolean {
    const found = /^(?:token|bearer) (.+)$/i.exec(header ?? "");
    return found?.[1] === options.token;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  ctx.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    requests: () => requestLog.map((entry) => ({ ...entry })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of hanging) socket.destroy();
        server.closeAllConnections();
        server.close((closeError) => (closeError ? reject(closeError) : resolve()));
      }),
  };
}

/** The JSON body of a request ({} when there is none), or undefined when it is not JSON. */
function parseJson(text: string): Record<string, unknown> | undefined {
  if (text === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function write(res: ServerResponse, reply: Reply): void {
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, { ...reply.headers, "x-github-media-type": "github.v3; format=json" });
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-github-media-type": "github.v3; format=json",
    ...reply.headers,
  });
  res.end(text);
}
