// Stopping the HTTP server without running a request it will not answer. Once stop() begins, every request that
// arrives is refused before it reaches Express, and answered: 503 with `Connection: close`. Requests already
// running finish and are answered (with `Connection: close` too), then their connections close. Idle kept-alive
// connections, and the listening socket, stay open a moment (a request already on its way is refused with an
// answer rather than met by a reset); then the server stops listening and closes them Node's way:
// closeIdleConnections destroys a socket holding no request, not even part of one. Never half-closed
// (socket.end(), as Apollo's drain plugin does): the socket would go on reading a next request, and run it,
// with no way left to answer it.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long idle kept-alive connections stay open after stop() began. */
const IDLE_LINGER_MS = 250;

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
}

export interface DrainOptions {
  /** The JSON answer (HTTP 503) to a request that arrives after stop() began. */
  refusal: unknown;
  /** A refused request's body is read (and dropped) up to this many bytes before the answer, so the client gets it. */
  drainLimit: number;
  /**
   * After this long, connections still receiving a request (or idle, or delivering an answer) are cut off;
   * requests that have arrived whole and whose answer is not written yet are always waited for.
   */
  graceMs: number;
  /** Whether a request still receiving its body already holds all its uploaded file (then it may be running). */
  received(req: IncomingMessage): boolean;
  logger: Pick<Console, 'warn'>;
}

/**
 * Answers a request refused without reading it: its body is read first (up to `limit` bytes, then the connection
 * is closed after the answer), so a client still sending gets the answer rather than a reset connection.
 */
function refuse(req: IncomingMessage, res: ServerResponse, body: string, limit: number): void {
  const send = () => {
    if (res.headersSent) return;
    res.writeHead(503, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'X-Content-Type-Options': 'nosniff',
      Connection: 'close',
    });
    res.end(body);
  };
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limit) {
      res.once('finish', () => req.destroy());
      send();
    }
  });
  req.on('end', send);
  req.on('error', () => undefined);
}

export class HttpDrain {
  private stopping = false;
  /** Each open connection and the requests it is serving. */
  private readonly connections = new Map<Socket, Set<Exchange>>();
  private readonly server: Server;

  constructor(
    server: Server,
    private readonly options: DrainOptions,
  ) {
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, new Set());
      socket.once('close', () => this.connections.delete(socket));
    });
  }

  /** The server's request listener: `handler` until stop() begins, then `refuse`. */
  gate(handler: RequestListener): RequestListener {
    return (req, res) => {
      const exchange = { req, res };
      const onSocket = this.connections.get(req.socket);
      onSocket?.add(exchange);
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        onSocket?.delete(exchange);
        // A connection kept alive by an answer that began before stop(): closed once it has been idle a moment.
        if (this.stopping) setTimeout(() => this.server.closeIdleConnections(), IDLE_LINGER_MS).unref();
      };
      res.once('finish', end);
      res.once('close', end);
      if (this.stopping) return refuse(req, res, JSON.stringify(this.options.refusal), this.options.drainLimit);
      handler(req, res);
    };
  }

  /** Refuses new requests, stops listening, and resolves once every request has been answered and every connection closed. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const exchanges of this.connections.values()) {
      for (const { res } of exchanges) if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    const timer = setTimeout(() => this.cutOff(), this.options.graceMs);
    timer.unref();
    try {
      if ([...this.connections.values()].some((exchanges) => exchanges.size === 0)) await sleep(IDLE_LINGER_MS);
      // Stops listening and closes the idle connections; the callback runs once the last connection has closed.
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    } finally {
      clearTimeout(timer);
    }
  }

  /** After the grace period: cuts off every connection but those whose request is being executed. */
  private cutOff(): void {
    let running = 0;
    for (const [socket, exchanges] of this.connections) {
      // A request still sending its body (its uploaded file not all there) cannot have been run: cutting it off is
      // safe. One whose answer is already being written has run; a client not reading it for so long is cut off.
      const executing = [...exchanges].some(({ req, res }) => (req.complete || this.options.received(req)) && !res.headersSent);
      if (executing) running++;
      else socket.destroy();
    }
    if (running > 0) this.options.logger.warn(`http: stopping: waiting for ${running} request(s) still running`);
  }
}
