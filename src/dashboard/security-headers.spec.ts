import { contentSecurityPolicy, securityHeaders, tileImageSource } from './security-headers';

describe('tileImageSource', () => {
  it.each([
    ['https://tile.openstreetmap.org/{z}/{x}/{y}.png', 'https://tile.openstreetmap.org'],
    ['https://{s}.tile.openstreetmap.fr/hot/{z}/{x}/{y}.png', 'https://*.tile.openstreetmap.fr'],
    ['https://tiles-{s}.example.com/{z}/{x}/{y}{r}.png', 'https://*.example.com'],
    ['http://Tiles.Example.com:8080/{z}/{x}/{-y}.png', 'http://tiles.example.com:8080'],
    ['https://tiles.example.com:443/{z}/{x}/{y}.png', 'https://tiles.example.com'],
    ['https://tiles.example.com/{s}/{z}/{x}/{y}.png', 'https://tiles.example.com'],
    ['http://[::1]:8080/{z}/{x}/{y}.png', 'http://[::1]:8080'],
  ])('allows the images of %s from %s', (tileUrl, source) => {
    expect(tileImageSource(tileUrl)).toBe(source);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows only the page’s own origin, and its images with the tile server’s', () => {
    expect(contentSecurityPolicy('https://{s}.tiles.example.com/{z}/{x}/{y}.png')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob: https://*.tiles.example.com; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; " +
        "frame-ancestors 'none'",
    );
  });

  it('allows no image origin but its own without tiles', () => {
    expect(contentSecurityPolicy(null)).toContain("; img-src 'self' data: blob:; connect-src");
  });
});

describe('securityHeaders', () => {
  it('forbid framing and sniffing, and send the origin alone to other sites', () => {
    expect(securityHeaders(null)).toEqual({
      'Content-Security-Policy': contentSecurityPolicy(null),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'X-Frame-Options': 'DENY',
    });
  });
});
