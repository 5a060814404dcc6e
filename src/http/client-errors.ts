import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, type ErrorCode } from './errors.js';

// Node's HTTP parser rejects some requests before Fastify sees them (binary in a header,
// a head over --max-header-size, a request that timed out). Those answers are Atlas-style
// JSON too, so a client that parses every body never meets a different shape.
const BY_NODE_CODE: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
};

export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code = BY_NODE_CODE[error.code ?? ''] ?? 'BAD_REQUEST';
  const apiError = new ApiError(
    code,
    code === 'BAD_REQUEST' ? 'The request is malformed.' : error.message,
  );
  const body = JSON.stringify(apiError.toDocument());
  const status = apiError.statusCode;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
