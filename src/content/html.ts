/**
 * Article bodies: markdown rendered with marked, and any HTML cleaned to an allowlist (sanitize-html).
 *
 * The markdown source is published as written (`bodyMarkdown`, for clients that render it themselves), so
 * it must be as safe as the HTML we render from it: a source whose raw HTML the allowlist would change, whose
 * links use another scheme, or that holds script syntax anywhere (code spans included), is refused (400
 * naming the tag, attribute or scheme) rather than quietly stripped: the editor sees what was wrong, and what
 * is stored is exactly what was reviewed.
 */
import { marked, type Token } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { AppError } from '../errors.js';
import { refuseScript, urlScheme } from './text.js';

const ALLOWED_TAGS = ['p', 'br', 'h2', 'h3', 'h4', 'strong', 'em', 'b', 'i', 'u', 's', 'blockquote', 'ul', 'ol', 'li', 'a', 'img', 'figure', 'figcaption',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'hr', 'sup', 'sub'];
const ALLOWED_ATTRIBUTES: Record<string, string[]> = { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'width', 'height'], th: ['scope'] };
const LINK_SCHEMES = ['https', 'mailto'];
const IMAGE_SCHEMES = ['https'];
const TRANSFORM_TAGS = { h1: 'h2', a: sanitizeHtml.simpleTransform('a', { rel: 'noopener nofollow' }) };

/** Article HTML: structure, emphasis, links, images, tables; no scripts, styles, event handlers or iframes. */
const HTML_POLICY: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: ALLOWED_ATTRIBUTES,
  allowedSchemes: LINK_SCHEMES,
  allowedSchemesByTag: { img: IMAGE_SCHEMES },
  allowProtocolRelative: false,
  transformTags: TRANSFORM_TAGS,
};

/** Everything kept, serialised the same way: what HTML_POLICY gives differs from this only by what it removed. */
const KEEP_ALL: sanitizeHtml.IOptions = {
  allowedTags: false,
  allowedAttributes: false,
  allowVulnerableTags: true,
  allowedSchemesAppliedToAttributes: [],
  transformTags: TRANSFORM_TAGS,
};

/** Link targets a markdown source may use besides relative ones (http too: prose autolinks `www.` to it). */
const MARKDOWN_LINK_SCHEMES = new Set([...LINK_SCHEMES, 'http']);
const MARKDOWN_IMAGE_SCHEMES = new Set(IMAGE_SCHEMES);

export const cleanHtml = (html: string): string => sanitizeHtml(html, HTML_POLICY);

export const markdownToHtml = (markdown: string): string => cleanHtml(marked.parse(markdown, { async: false }));

const refuse = (field: string, message: string) => new AppError('VALIDATION_FAILED', `${field} ${message}`, [{ in: 'body', field, message }]);

/** What HTML_POLICY would remove from a fragment of raw HTML, named for the editor; null when it keeps it all. */
function removedByPolicy(raw: string): string | null {
  if (/^\s*<[!?]/.test(raw)) return 'HTML comments and declarations';
  if (cleanHtml(raw) === sanitizeHtml(raw, KEEP_ALL)) return null;
  let named: string | null = null;
  sanitizeHtml(raw, {
    ...KEEP_ALL,
    onOpenTag(tag, attributes) {
      named ??= removedFromTag(tag, attributes);
    },
  });
  return named ?? 'HTML the article policy would change';
}

function removedFromTag(tag: string, attributes: Record<string, string>): string | null {
  if (!ALLOWED_TAGS.includes(tag)) return `<${tag}>`;
  for (const [name, value] of Object.entries(attributes)) {
    if (!(ALLOWED_ATTRIBUTES[tag] ?? []).includes(name)) return `the ${name} attribute on <${tag}>`;
    const alone = `<${tag} ${name}="${value.replaceAll('"', '&quot;')}">`;
    if (cleanHtml(alone) !== sanitizeHtml(alone, KEEP_ALL)) return `the ${name} "${value.slice(0, 60)}" on <${tag}>`;
  }
  return null;
}

/**
 * Refuses a markdown source holding script, raw HTML the article policy would change, or a link or image
 * with another scheme; returns it unchanged otherwise.
 */
export function safeMarkdown(field: string, markdown: string): string {
  refuseScript(field, markdown, 'asWritten');
  // A synchronous callback: the array walkTokens returns holds only its undefined results.
  void marked.walkTokens(marked.lexer(markdown), (token: Token) => {
    if (token.type === 'html') {
      const removed = removedByPolicy(token.raw);
      if (removed !== null) throw refuse(field, `must not contain ${removed} (raw HTML may use only ${ALLOWED_TAGS.join(', ')}, with the attributes and https links articles allow)`);
    }
    if (token.type === 'link' || token.type === 'image') refuseUrl(field, token.type, String(token.href));
  });
  // Script spelled with entities or escapes where no link was parsed (code spans, text another renderer links).
  refuseScript(field, markdown);
  return markdown;
}

/**
 * A link's or image's target, judged by the scheme any renderer of the source would act on (urlScheme:
 * entities, percent-escapes, controls and spaces undone, so `javascript&#58;` is `javascript:`): another
 * scheme than the allowed ones, or another host without one (`//host`, which the HTML policy drops), is a 400.
 */
function refuseUrl(field: string, type: 'link' | 'image', href: string): void {
  const scheme = urlScheme(href);
  const allowed = type === 'link' ? MARKDOWN_LINK_SCHEMES : MARKDOWN_IMAGE_SCHEMES;
  const use = `use ${[...allowed].join(', ')} or a relative path`;
  if (scheme === '//') throw refuse(field, `must not contain protocol-relative ${type}s (//host): ${use}`);
  if (scheme !== null && !allowed.has(scheme)) throw refuse(field, `must not contain ${type}s to ${scheme}: URLs (${use})`);
}

/** Whether safeMarkdown accepts `markdown`: sources stored before a rule was added are judged again when served. */
export function isSafeMarkdown(markdown: string): boolean {
  try {
    safeMarkdown('bodyMarkdown', markdown);
    return true;
  } catch (error) {
    if (error instanceof AppError) return false;
    throw error;
  }
}

/** Cleans article HTML to the allowlist, then refuses script left in its text (a "javascript:" that was never a link). */
export function safeHtml(field: string, html: string): string {
  const clean = cleanHtml(html);
  refuseScript(field, clean);
  return clean;
}
