/**
 * URLs from input are judged by the scheme any consumer would act on, not by how they are spelled: the
 * markdown source of an article is published as written (GET /api/articles/:slug), so a link that a
 * renderer decodes to javascript:, vbscript: or data: (HTML entities, percent-escapes, tabs and line breaks
 * inside the scheme, mixed case, nested encodings) is refused at the door, a source stored before the rule
 * is not handed out, and the same rule holds for images in markdown and for image paths.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeMarkdown } from '../../src/content/html.js';
import { plainText, urlScheme } from '../../src/content/text.js';
import { AppError } from '../../src/errors.js';
import { buildTestApp, type TestApp } from '../helpers.js';
import { signedIn, type TestSession } from '../admin/helpers.js';

/** Markdown that some renderer turns into script, another scheme or another host. */
const BYPASSES: [what: string, markdown: string][] = [
  ['decimal entity for the colon', '[x](javascript&#58;alert(1))'],
  ['decimal entity without its semicolon', '[x](javascript&#58alert(1))'],
  ['named entity for the colon', '[x](javascript&colon;alert(1))'],
  ['hex entity for a letter', '[x](&#x6A;avascript:alert(1))'],
  ['decimal entity for a letter', '[x](&#106;avascript:alert(1))'],
  ['zero-padded entity', '[x](java&#0000115;cript:alert(1))'],
  ['mixed case', '[x](JaVaScRiPt:alert(1))'],
  ['a tab entity inside the scheme', '[x](java&Tab;script:alert(1))'],
  ['a line-break entity inside the scheme', '[x](java&NewLine;script:alert(1))'],
  ['a raw tab inside the scheme', '[x](<java\tscript:alert(1)>)'],
  ['a raw tab, unbracketed', '[x](java\tscript:alert(1))'],
  ['a space inside the scheme', '[x](<java script:alert(1)>)'],
  ['a control character inside the scheme', '[x](java\u0001script:alert(1))'],
  ['a zero-width space inside the scheme', '[x](java\u200bscript:alert(1))'],
  ['a soft hyphen inside the scheme', '[x](java\u00adscript:alert(1))'],
  ['leading spaces and controls', '[x](<  \u0001javascript:alert(1)>)'],
  ['percent-encoded letter', '[x](%6Aavascript:alert(1))'],
  ['percent-encoded colon', '[x](javascript%3Aalert(1))'],
  ['percent-encoded entity', '[x](%26%23106%3Bavascript:alert(1))'],
  ['entity of an entity', '[x](&amp;#106;avascript:alert(1))'],
  ['entity of a percent-escape', '[x](&#37;6Aavascript:alert(1))'],
  ['vbscript', '[x](vbscript:msgbox(1))'],
  ['vbscript with an entity', '[x](VBScript&#58;msgbox(1))'],
  ['data', '[x](data:text/html;base64,PHNjcmlwdD4=)'],
  ['DATA in capitals', '[x](DATA:text/html,<b>x</b>)'],
  ['data with an entity', '[x](d&#97;ta:text/html,x)'],
  ['file', '[x](file:///etc/passwd)'],
  ['protocol-relative', '[x](//evil.example/phish)'],
  ['protocol-relative with backslashes', '[x](\\\\\\\\evil.example/phish)'],
  ['protocol-relative with an entity', '[x](&#47;/evil.example/phish)'],
  ['reference definition with an entity', '[x][r]\n\n[r]: javascript&colon;alert(1)'],
  ['bracketed reference definition', '[x][r]\n\n[r]: <&#x6A;avascript:alert(1)>'],
  ['autolink spelled with an entity', '<javascript&#58;alert(1)>'],
  ['image with an entity', '![i](javascript&#58;alert(1))'],
  ['image over http', '![i](http://cdn.example/i.png)'],
  ['image as data', '![i](data:image/svg+xml;base64,PHN2Zz4=)'],
  ['image protocol-relative', '![i](//cdn.example/i.png)'],
  ['raw HTML link with an entity', '<a href="javascript&#58;alert(1)">x</a>'],
  ['raw HTML link with a tab entity', '<a href="java&#x09;script:alert(1)">x</a>'],
  ['code span with an entity', '`javascript&#58;alert(1)`'],
];

/** Markdown that must still be accepted as written. */
const FINE: string[] = [
  '[NCAP](https://example.com/ncap?a=1&b=2)',
  '[x](https://example.com/a%3Ab)',
  '[x](http://example.com)',
  '[x](mailto:desk@example.com)',
  '[x](/cars/hyundai-creta)',
  '[x](#specs)',
  '[x](?page=2)',
  '![crash](https://cdn.example/c.jpg)',
  '![crash](/media/creta-640.jpg)',
  'AT&amp;T, R&D and Tom & Jerry: 50% off, 100%25 sure',
  'A colon: fine. Java is not JavaScript.',
];

describe('urlScheme', () => {
  it.each([
    ['javascript&#58;alert(1)', 'javascript'],
    ['&#x6A;avascript:x', 'javascript'],
    ['java\tscript:x', 'javascript'],
    ['java&Tab;script:x', 'javascript'],
    ['  JaVaScRiPt:x', 'javascript'],
    ['%6Aavascript:x', 'javascript'],
    ['&amp;#106;avascript:x', 'javascript'],
    ['DATA:text/html,x', 'data'],
    ['https://example.com/a:b', 'https'],
    ['mailto:x@example.com', 'mailto'],
    ['//evil.example', '//'],
    ['\\\\evil.example', '//'],
    ['/cars/a:b', null],
    ['#a:b', null],
    ['relative/path', null],
    ['&amp;amp;amp;amp;amp;amp;#106;avascript:x', 'undecodable'],
  ])('%j → %j', (href, scheme) => {
    expect(urlScheme(href)).toBe(scheme);
  });
});

describe('safeMarkdown', () => {
  it.each(BYPASSES)('refuses %s: %j', (_what, markdown) => {
    expect(() => safeMarkdown('bodyMarkdown', `Intro.\n\n${markdown}\n`)).toThrow(AppError);
  });

  it.each(FINE)('accepts %j as written', (markdown) => {
    expect(safeMarkdown('bodyMarkdown', markdown)).toBe(markdown);
  });
});

describe('plain text', () => {
  // A raw tab is folded into a space by the text cleaning first: "java script:" is no scheme.
  it.each(['javascript&#58;alert(1)', 'java&Tab;script:alert(1)', 'java&#x09;script:alert(1)', '&#x6A;avascript:alert(1)', 'java%73cript:alert(1)'])('refuses the script URL %j in a name', (value) => {
    expect(() => plainText('name', value)).toThrow(/must not contain script/);
  });

  it.each(['AT&amp;T Motors', 'R&D 50% off', 'Tata: the new one'])('keeps %j', (value) => {
    expect(plainText('name', value)).toBe(value);
  });
});

describe('through the API', () => {
  let t: TestApp;
  let app: FastifyInstance;
  let editor: TestSession;
  let count = 0;
  const article = (bodyMarkdown: string) => ({
    slug: `content-url-${++count}`, title: 'Links', summary: 'Links in markdown.', category: 'guide', author: 'Desk', status: 'published', bodyMarkdown,
  });

  beforeAll(async () => {
    t = await buildTestApp();
    app = t.app;
    editor = await signedIn(app, 'editor');
  });
  afterAll(() => t.close());

  it('refuses every bypass with a 400 on bodyMarkdown, and stores none of them', async () => {
    const wrong: string[] = [];
    for (const [what, markdown] of BYPASSES) {
      const payload = article(`Intro.\n\n${markdown}\n`);
      const response = await app.inject({ method: 'POST', url: '/api/admin/articles', headers: editor.headers, payload });
      const error = response.json().error;
      if (response.statusCode !== 400 || error?.code !== 'VALIDATION_FAILED' || error.details?.[0]?.field !== 'bodyMarkdown') wrong.push(`${what}: ${response.statusCode} ${response.body.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
    expect((await app.pg.query(`SELECT 1 FROM articles WHERE slug LIKE 'content-url-%'`)).rowCount).toBe(0);
  });

  it('publishes a safe source as written', async () => {
    const bodyMarkdown = FINE.join('\n\n');
    const created = await app.inject({ method: 'POST', url: '/api/admin/articles', headers: editor.headers, payload: article(bodyMarkdown) });
    expect(created.statusCode, created.body).toBe(201);
    const published = await app.inject(`/api/articles/${created.json().data.slug}`);
    expect(published.json().data.bodyMarkdown).toBe(bodyMarkdown);
  });

  it('does not hand out a source stored before the rule (or by another writer); the sanitised HTML still carries the article', async () => {
    const markdown = 'Read [this](javascript&#58;alert(document.cookie)) and ![i](d&#97;ta:image/svg+xml,x).';
    await app.pg.query(
      `INSERT INTO articles (slug, title, summary, body_markdown, body_html, category, author, status, published_at)
       VALUES ('legacy-entity-link', 'Legacy', 'Stored before the rule.', $1, '', 'news', 'Desk', 'published', now() - interval '1 day')`,
      [markdown],
    );
    const response = await app.inject('/api/articles/legacy-entity-link');
    expect(response.statusCode).toBe(200);
    const data = response.json().data;
    expect(data.bodyMarkdown).toBe('');
    expect(data.bodyHtml).toContain('Read <a');
    expect(response.body).not.toMatch(/javascript|&#58;|data:/i);
  });

  it.each(['javascript&#58;alert(1)', 'java&Tab;script:alert(1)'])('refuses the script URL %j in an admin text field', async (name) => {
    const response = await app.inject({ method: 'POST', url: '/api/admin/brands', headers: editor.headers, payload: { slug: `content-url-brand-${++count}`, name, country: 'India', colour: '#123456' } });
    expect({ status: response.statusCode, message: response.json().error.message }).toEqual({ status: 400, message: expect.stringMatching(/^name must not contain script/) });
  });

  it.each(['//evil.example/x.jpg', '/\\evil.example/x.jpg', 'https://evil.example\\x.jpg', 'javascript&#58;alert(1)', 'https:&#47;&#47;x/y.jpg'])(
    'refuses the image path %j',
    async (path) => {
      const response = await app.inject({ method: 'POST', url: '/api/admin/images', headers: editor.headers, payload: { model: 'hyundai-creta', path, alt: 'x', width: 10, height: 10 } });
      expect({ status: response.statusCode, code: response.json().error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    },
  );

  it.each(['/media/content-url.jpg', 'https://cdn.example/content-url.jpg'])('accepts the image path %j', async (path) => {
    const response = await app.inject({ method: 'POST', url: '/api/admin/images', headers: editor.headers, payload: { model: 'hyundai-creta', path, alt: 'x', width: 10, height: 10 } });
    expect(response.statusCode, response.body).toBe(201);
  });
});
