// A round-robin front for the local cluster: one port, each request passed whole to the next replica. Bodies
// (multipart uploads) and answers (streamed video, ranges) go through as streams, never buffered. A replica that
// refuses the connection is skipped — the request goes to the next one, as its body has not been read yet — and
// left out for a second.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Front {
  url: string;
  port: number;
  /** Requests each replica answered, in the order of `targets`. */
  counts: number[];
  close(): Promise<void>;
}

export interface FrontOptions {
  /** The replicas' URLs (http://host:port). */
  targets: string[];
  port?: number;
  host?: string;
}

/** How long a replica that refused a connection is left out. */
const DOWN_MS = 1000;
/** Hop-by-hop headers, which belong to one connection and are not passed on. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

export async function startFront(opts: FrontOptions): Promise<Front> {
  const targets = opts.targets.map((t) => new URL(t));
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: 64 }));
  const downUntil = targets.map(() => 0);
  const counts = targets.map(() => 0);
  let next = 0;

  const pass = (req: http.IncomingMessage, res: http.ServerResponse, tried: number): void => {
    if (tried >= targets.length) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'No replica is answering.', extensions: { code: 'BAD_GATEWAY' } }] }));
      req.resume();
      return;
    }
    // The next replica in turn that is not left out (all left out: try them anyway).
    let i = next;
    for (let k = 0; k < targets.length; k++) {
      const j = (next + k) % targets.length;
      if (downUntil[j]! <= Date.now()) {
        i = j;
        break;
      }
    }
    next = (i + 1) % targets.length;
    const target = targets[i]!;
    const headers = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: agents[i] });
    let connected = false;
    const start = () => {
      connected = true;
      req.pipe(upstream);
    };
    upstream.on('socket', (socket: Socket) => {
      if (!socket.connecting) start();
      else socket.once('connect', start);
    });
    upstream.on('response', (answer) => {
      counts[i]!++;
      const out = { ...answer.headers };
      for (const h of HOP_BY_HOP) delete out[h];
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        // Nothing of the request was sent: another replica may take it.
        downUntil[i] = Date.now() + DOWN_MS;
        pass(req, res, tried + 1);
        return;
      }
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: `The replica failed: ${err.code ?? err.message}`, extensions: { code: 'BAD_GATEWAY' } }] }));
      } else {
        res.destroy();
      }
    });
    // A client that goes away ends the request to the replica too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
  };

  const server = http.createServer((req, res) => pass(req, res, 0));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const a of agents) a.destroy();
      }),
  };
}
