/**
 * Security headers on every response (helmet) and `Cache-Control: no-store` on every /api and /fhir response,
 * errors included: they carry personal data and must not stay in a browser or proxy cache.
 *
 * The CSP is the one the built web UI needs: Vite emits scripts as files under /assets (no inline script);
 * Ant Design's CSS-in-JS injects <style> elements at run time, hence style-src 'unsafe-inline'; ECharts draws on
 * canvas; images and fonts may be data: URIs. The Swagger UI at /docs loads its scripts and styles as files and
 * passes the same policy. No upgrade-insecure-requests: a clinic LAN may serve plain HTTP.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  workerSrc: ["'self'", 'blob:'],
  upgradeInsecureRequests: null,
};

const isApi = (url: string) =>
  url === '/api' ||
  url.startsWith('/api/') ||
  url.startsWith('/api?') ||
  url === '/fhir' ||
  url.startsWith('/fhir/') ||
  url.startsWith('/fhir?');

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (isApi(request.url)) reply.header('cache-control', 'no-store');
    return payload;
  });
}
