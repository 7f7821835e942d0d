/** The page shell: head (title, description, canonical, Open Graph, JSON-LD, inlined CSS), header, footer. */
import type { ComponentChildren } from 'preact';
import type { Island } from '../assets.js';
import type { Flash } from '../flash.js';

export interface PageMeta {
  title: string;
  description: string;
  /** Path of the canonical URL (made absolute with PUBLIC_URL). */
  path: string;
  /** JSON-LD objects for this page. */
  jsonLd?: object[];
  ogType?: 'website' | 'article' | 'product';
  ogImage?: string;
  /** Search engines should not index this page (errors, result pages). */
  noindex?: boolean;
}

export interface PageContext {
  publicUrl: string;
  css: string;
  islandUrls: Record<Island, string>;
  flash?: Flash;
}

/** JSON in a script element: `<` escaped so no string in it can close the element. */
const jsonScript = (value: object) => JSON.stringify(value).replace(/</g, '\\u003c');

export function Layout({ ctx, meta, islands = [], children }: { ctx: PageContext; meta: PageMeta; islands?: Island[]; children: ComponentChildren }) {
  const canonical = `${ctx.publicUrl}${meta.path}`;
  const scripts = ['autocomplete' as Island, ...islands.filter((i) => i !== 'autocomplete')];
  return (
    <html lang="en-IN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{meta.title}</title>
        <meta name="description" content={meta.description} />
        <link rel="canonical" href={canonical} />
        {meta.noindex ? <meta name="robots" content="noindex" /> : null}
        <meta property="og:site_name" content="gadizone" />
        <meta property="og:type" content={meta.ogType ?? 'website'} />
        <meta property="og:title" content={meta.title} />
        <meta property="og:description" content={meta.description} />
        <meta property="og:url" content={canonical} />
        {meta.ogImage ? <meta property="og:image" content={meta.ogImage.startsWith('http') ? meta.ogImage : `${ctx.publicUrl}${meta.ogImage}`} /> : null}
        <meta name="theme-color" content="#0b5cab" />
        <style dangerouslySetInnerHTML={{ __html: ctx.css }} />
        {(meta.jsonLd ?? []).map((item) => (
          <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonScript(item) }} />
        ))}
        {scripts.map((island) => (
          <script type="module" src={ctx.islandUrls[island]} />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <div class="wrap">
            <a class="logo" href="/">
              gadi<span>zone</span>
            </a>
            <nav aria-label="Main">
              <ul class="nav">
                <li><a href="/cars">New cars</a></li>
                <li><a href="/brands">Brands</a></li>
                <li><a href="/compare">Compare</a></li>
                <li><a href="/news">News</a></li>
              </ul>
            </nav>
            <form class="search" role="search" aria-label="Site search" action="/search" method="get">
              <label class="visually-hidden" for="q-top">Search cars</label>
              <input id="q-top" type="search" name="q" placeholder="Search cars, brands" maxLength={100} data-autocomplete="" />
              <button type="submit">Search</button>
            </form>
          </div>
        </header>
        <main id="main" class="wrap" tabIndex={-1}>
          {ctx.flash ? (
            <p class={`flash ${ctx.flash.kind}`} role={ctx.flash.kind === 'err' ? 'alert' : 'status'}>
              {ctx.flash.message}
            </p>
          ) : null}
          {children}
        </main>
        <footer class="bottom">
          <div class="wrap">
            <form class="form" action="/newsletter" method="post">
              <input type="hidden" name="back" value={meta.path} />
              <label for="newsletter-email">Get the latest launches and price changes by email</label>
              <div class="row">
                <input id="newsletter-email" type="email" name="email" required maxLength={254} autoComplete="email" placeholder="you@example.com" />
                <button type="submit">Subscribe</button>
              </div>
            </form>
            <p>
              <a href="/brands">All brands</a> · <a href="/cars">All cars</a> · <a href="/news">News</a> · <a href="/sitemap.xml">Sitemap</a>
            </p>
            <p>Prices are ex-showroom unless marked on-road, and indicative; confirm with a dealer.</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

export interface Crumb {
  name: string;
  path: string;
}

export function Breadcrumbs({ items }: { items: Crumb[] }) {
  return (
    <nav class="crumbs" aria-label="Breadcrumb">
      <ol>
        {items.map((item, i) => (
          <li>{i === items.length - 1 ? <span aria-current="page">{item.name}</span> : <a href={item.path}>{item.name}</a>}</li>
        ))}
      </ol>
    </nav>
  );
}

export function breadcrumbJsonLd(publicUrl: string, items: Crumb[]): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: items.map((item, i) => ({ '@type': 'ListItem', position: i + 1, name: item.name, item: `${publicUrl}${item.path}` })),
  };
}
