/** Small shared pieces: model cards, pagination links, key-spec lists. */
import { formatPriceRange, label } from '../format.js';

export interface ModelCardData {
  slug: string;
  name: string;
  brand: { slug: string; name: string };
  bodyType: string;
  priceMinInr: number | null;
  priceMaxInr: number | null;
  fuels?: string[];
}

export function ModelCard({ model, headingLevel = 3 }: { model: ModelCardData; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <li class="card">
      <a href={`/cars/${model.slug}`}>
        <Heading>
          {model.brand.name} {model.name}
        </Heading>
      </a>
      <p class="price">{formatPriceRange(model.priceMinInr, model.priceMaxInr)}</p>
      <p class="muted">
        {label(model.bodyType)}
        {model.fuels && model.fuels.length > 0 ? ` · ${model.fuels.map(label).join(', ')}` : ''}
      </p>
    </li>
  );
}

export interface PagerProps {
  page: number;
  pages: number;
  /** The URL of page `n` (other parameters kept). */
  href: (n: number) => string;
}

export function Pager({ page, pages, href }: PagerProps) {
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pagination">
      <ul class="pager">
        {page > 1 ? (
          <li>
            <a class="btn alt" rel="prev" href={href(page - 1)}>
              Previous
            </a>
          </li>
        ) : null}
        <li>
          Page {page} of {pages}
        </li>
        {page < pages ? (
          <li>
            <a class="btn alt" rel="next" href={href(page + 1)}>
              Next
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/** `?a=1&b=2` from defined values, in the given order (stable URLs share cache entries). */
export function queryString(values: Record<string, string | number | undefined>): string {
  const parts = Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
