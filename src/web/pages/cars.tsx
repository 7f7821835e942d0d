import type { ModelSummary } from '../../catalogue/models/schemas.js';
import type { SearchHit } from '../../catalogue/search/schemas.js';
import type { Pagination } from '../../lib/schemas.js';
import { ModelCard, Pager, queryString } from '../components/cards.js';
import { Breadcrumbs, Layout, type PageContext } from '../components/layout.js';
import { formatInr, label } from '../format.js';
import type { CarsQuery } from '../schemas.js';
import type { FacetCounts, FacetName, FacetValue } from '../../catalogue/facets.js';

export interface CarsPageData {
  query: CarsQuery;
  models: ModelSummary[];
  pagination: Pagination;
  facets: FacetCounts;
}

/** The facets the page shows, in this order (asked of the model list as `facets`). */
const FACET_TITLES = { bodyType: 'Body type', fuel: 'Fuel', transmission: 'Transmission', brand: 'Brand' } satisfies Partial<Record<FacetName, string>>;
type PageFacet = keyof typeof FACET_TITLES;
export const CARS_PAGE_FACETS = Object.keys(FACET_TITLES).join(',');
const SORTS = [['popularity', 'Popularity'], ['price', 'Price: low to high'], ['-price', 'Price: high to low'], ['newest', 'Newest'], ['name', 'Name']] as const;

/** /cars with some parameters changed; the page resets unless it is what changes. */
export function carsHref(query: CarsQuery, change: Partial<CarsQuery>): string {
  const next = { ...query, page: undefined, ...change };
  const sort = next.sort === 'popularity' ? undefined : next.sort;
  return `/cars${queryString({ brand: next.brand, bodyType: next.bodyType, fuel: next.fuel, transmission: next.transmission, seats: next.seats, priceMin: next.priceMin, priceMax: next.priceMax, status: next.status, sort, page: next.page === 1 ? undefined : next.page })}`;
}

function heading(query: CarsQuery): string {
  const parts = [query.fuel && label(query.fuel), query.transmission && label(query.transmission), query.bodyType ? `${label(query.bodyType)} cars` : 'New cars'].filter(Boolean);
  let text = parts.join(' ');
  if (query.priceMin !== undefined && query.priceMax !== undefined) text += ` between ${formatInr(query.priceMin)} and ${formatInr(query.priceMax)}`;
  else if (query.priceMax !== undefined) text += ` under ${formatInr(query.priceMax)}`;
  else if (query.priceMin !== undefined) text += ` above ${formatInr(query.priceMin)}`;
  return text;
}

function FacetList({ query, name, values }: { query: CarsQuery; name: PageFacet; values: FacetValue[] }) {
  if (values.length === 0) return null;
  return (
    <>
      <h2>{FACET_TITLES[name]}</h2>
      <ul>
        {values.map((v) => {
          const active = query[name] === v.value;
          return (
            <li>
              <a href={carsHref(query, { [name]: active ? undefined : v.value })} aria-current={active ? 'true' : undefined}>
                <span>{name === 'brand' ? v.label : label(v.label)}</span> <span class="muted">{v.count}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </>
  );
}

export function CarsPage({ ctx, data }: { ctx: PageContext; data: CarsPageData }) {
  const { query, pagination } = data;
  const title = heading(query);
  return (
    <Layout ctx={ctx} meta={{ title: `${title} in India: prices and specs | gadizone`, description: `${pagination.total} ${title.toLowerCase()} with prices, variants and specifications.`, path: carsHref(query, { page: query.page }) }}>
      <Breadcrumbs items={[{ name: 'Home', path: '/' }, { name: 'New cars', path: '/cars' }]} />
      <h1>{title}</h1>
      <div class="layout">
        <nav class="facets" aria-label="Filters">
          <p><a href="/cars">Clear all filters</a></p>
          {(Object.keys(FACET_TITLES) as PageFacet[]).map((name) => (
            <FacetList query={query} name={name} values={data.facets[name] ?? []} />
          ))}
        </nav>
        <div>
          <form action="/cars" method="get" class="form">
            {(['brand', 'bodyType', 'fuel', 'transmission', 'seats', 'priceMin', 'priceMax', 'status'] as const).map((k) =>
              query[k] === undefined ? null : <input type="hidden" name={k} value={String(query[k])} />,
            )}
            <div class="row">
              <label>
                Sort by
                <select name="sort">
                  {SORTS.map(([value, text]) => <option value={value} selected={query.sort === value}>{text}</option>)}
                </select>
              </label>
              <button type="submit">Sort</button>
            </div>
          </form>
          <p class="muted" role="status">{pagination.total} {pagination.total === 1 ? 'car' : 'cars'} found</p>
          <ul class="grid">{data.models.map((m) => <ModelCard model={m} headingLevel={2} />)}</ul>
          <Pager page={query.page} pages={pagination.pages} href={(n) => carsHref(query, { page: n })} />
        </div>
      </div>
    </Layout>
  );
}

const HIT_PATH: Record<string, string> = { brand: '/brands/', model: '/cars/', variant: '/variants/' };

/** "1,000+ results" when the search stopped counting (it ranks a bounded number of matches). */
export const resultCount = ({ total, totalIsLowerBound }: Pagination & { totalIsLowerBound?: boolean }): string =>
  totalIsLowerBound === true ? `${total.toLocaleString('en-IN')}+ results` : `${total} ${total === 1 ? 'result' : 'results'}`;

export function SearchPage({ ctx, q, hits, pagination }: { ctx: PageContext; q: string; hits: SearchHit[]; pagination: Pagination & { totalIsLowerBound?: boolean } }) {
  const page = pagination.page ?? 1;
  return (
    <Layout ctx={ctx} meta={{ title: q ? `“${q}”: search results | gadizone` : 'Search cars | gadizone', description: 'Search brands, models and variants.', path: '/search', noindex: true }}>
      <h1>{q ? `Results for “${q}”` : 'Search cars'}</h1>
      <form action="/search" method="get" role="search" class="form">
        <label for="q-page">Search by car, brand or variant</label>
        <div class="row search">
          <input id="q-page" type="search" name="q" value={q} maxLength={100} data-autocomplete="" />
          <button type="submit">Search</button>
        </div>
      </form>
      {q ? <p class="muted" role="status">{resultCount(pagination)}</p> : null}
      <ul class="grid">
        {hits.map((hit) => (
          <li class="card">
            <a href={`${HIT_PATH[hit.type] ?? '/cars/'}${hit.slug}`}><h2>{hit.title}</h2></a>
            <p class="muted">{label(hit.type)} · {hit.subtitle}</p>
            {hit.priceInr !== null ? <p class="price">{hit.type === 'model' ? 'From ' : ''}{formatInr(hit.priceInr)}</p> : null}
            {hit.type === 'variant' ? <p><a href={`/compare?variants=${hit.slug}`}>Compare<span class="visually-hidden"> {hit.title}</span></a></p> : null}
          </li>
        ))}
      </ul>
      <Pager page={page} pages={pagination.pages} href={(n) => `/search${queryString({ q, page: n === 1 ? undefined : n })}`} />
    </Layout>
  );
}
