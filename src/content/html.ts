/** Article bodies as HTML: markdown rendered with marked, and any HTML cleaned to an allowlist (sanitize-html). */
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** Article HTML: structure, emphasis, links, images, tables; no scripts, styles, event handlers or iframes. */
const HTML_POLICY: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'h2', 'h3', 'h4', 'strong', 'em', 'b', 'i', 'u', 's', 'blockquote', 'ul', 'ol', 'li', 'a', 'img', 'figure', 'figcaption',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'hr', 'sup', 'sub'],
  allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'width', 'height'], th: ['scope'] },
  allowedSchemes: ['https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowProtocolRelative: false,
  transformTags: { h1: 'h2', a: sanitizeHtml.simpleTransform('a', { rel: 'noopener nofollow' }) },
};

export const cleanHtml = (html: string): string => sanitizeHtml(html, HTML_POLICY);

export const markdownToHtml = (markdown: string): string => cleanHtml(marked.parse(markdown, { async: false }));

