import type { FastifyInstance } from 'fastify';

// No inline script or style, no resource from anywhere but the console itself, no framing.
// The sparklines are inline SVG elements, which the policy does not restrict.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function registerSecurityHeaders(scope: FastifyInstance): void {
  scope.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    // Pages can hold a key shown once: neither the browser's back button nor a proxy may
    // keep a copy. Fingerprinted assets set their own, long-lived policy.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}
