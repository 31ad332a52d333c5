/**
 * The CSP source of a tile URL template (validated by `loadConfig`): its origin, with the first
 * label of the host that holds `{s}` (Leaflet's subdomains) as a `*.` wildcard.
 */
export function tileImageSource(tileUrl: string): string {
  const { protocol, host } = new URL(tileUrl);
  return `${protocol}//${host.replace(/^[^.]*\{s\}[^.]*\./, '*.')}`;
}

/**
 * The page loads nothing but its own files, talks to its own origin only (the API and its live
 * stream), and shows images of its own (Leaflet's inlined ones as `data:`) and of the tile server.
 * Styles may be inline: Leaflet positions the map's panes and tiles with style attributes.
 */
export function contentSecurityPolicy(tileUrl: string | null): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...(tileUrl ? [tileImageSource(tileUrl)] : [])],
    'connect-src': ["'self'"],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');
}

/** The headers of everything the dashboard serves. */
export function securityHeaders(tileUrl: string | null): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(tileUrl),
    'X-Content-Type-Options': 'nosniff',
    // Not `no-referrer`: OpenStreetMap's tile policy asks for the page's origin as Referer.
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
  };
}
