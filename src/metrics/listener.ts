import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Scrape {
  readonly contentType: string;
  /** The exposition text; rejects when it cannot be gathered (answered 503). */
  render(): Promise<string>;
}

export interface MetricsListener {
  /** `http://host:port/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The metrics listener, apart from the API's: its own port and address (loopback unless
 * `--metrics-host` says otherwise), so scraping needs no credentials and the API's port
 * never shows them. Only `GET /metrics`; no Fastify, no hooks, nothing counted.
 */
export function listenForScrapes(
  host: string,
  port: number,
  scrape: Scrape,
  onError: (error: unknown) => void,
): Promise<MetricsListener> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') return void response.writeHead(404).end('Not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return void response.writeHead(405, { allow: 'GET, HEAD' }).end('Method not allowed\n');
    }
    scrape.render().then(
      (text) => response.writeHead(200, { 'content-type': scrape.contentType }).end(text),
      (error: unknown) => {
        onError(error);
        response.writeHead(503).end('Metrics are not available now\n');
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve({ url: urlOf(server), close: () => closeServer(server) });
    });
  });
}

function urlOf(server: Server): string {
  const { address, family, port } = server.address() as AddressInfo;
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}/metrics`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
