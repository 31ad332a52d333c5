import { fillPageConfig } from './dashboard-page';

const PAGE = `<!doctype html>
<html>
  <head>
    <script id="fleethub-config" type="application/json">
      {}
    </script>
    <script type="module" src="/assets/index-abc.js"></script>
  </head>
</html>
`;

const SETTINGS = {
  tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  tileAttribution: '&copy; <a href="https://example.com">Example</a>',
  offlineAfterSeconds: 600,
};

/** The content of the page's config script. */
const configText = (page: string) =>
  /<script id="fleethub-config" type="application\/json">([\s\S]*?)<\/script>/.exec(page)?.[1];

describe('fillPageConfig', () => {
  it('writes the settings as the config script’s JSON and leaves the rest of the page as it is', () => {
    const page = fillPageConfig(PAGE, SETTINGS);
    expect(JSON.parse(configText(page)!)).toEqual(SETTINGS);
    expect(page.replace(configText(page)!, '\n      {}\n    ')).toBe(PAGE);
  });

  it('writes every < as \\u003c, so that no value ends the script or opens a comment', () => {
    const settings = { ...SETTINGS, tileAttribution: '</script><script>alert(1)</script><!--' };
    const text = configText(fillPageConfig(PAGE, settings))!;
    expect(text).not.toContain('<');
    expect(text).toContain('\\u003c/script>');
    expect(JSON.parse(text)).toEqual(settings);
  });

  it('keeps $ patterns of a value as written', () => {
    const settings = { ...SETTINGS, tileAttribution: "$& $1 $' $`" };
    expect(JSON.parse(configText(fillPageConfig(PAGE, settings))!)).toEqual(settings);
  });

  it('writes null for a map without tiles', () => {
    const settings = { ...SETTINGS, tileUrl: null, tileAttribution: '' };
    expect(configText(fillPageConfig(PAGE, settings))).toBe(
      '{"tileUrl":null,"tileAttribution":"","offlineAfterSeconds":600}',
    );
  });

  it('refuses a page without the config script', () => {
    expect(() => fillPageConfig('<html></html>', SETTINGS)).toThrow(
      'The dashboard page has no <script id="fleethub-config"> to fill',
    );
  });
});
