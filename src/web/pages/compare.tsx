import type { Comparison, CompareRow } from '../../catalogue/compare/schemas.js';
import type { VariantSummary } from '../../catalogue/variants/schemas.js';
import { Breadcrumbs, Layout, type PageContext } from '../components/layout.js';
import { formatInr, formatNumber, label } from '../format.js';

export interface ComparePageData {
  slugs: string[];
  onlyDifferences: boolean;
  /** Null with fewer than two variants: there is nothing to compare yet. */
  comparison: Comparison | null;
  /** The chosen variants when fewer than two (the comparison holds them otherwise). */
  chosen: VariantSummary[];
}

function cell(row: CompareRow, value: string | number | boolean | null): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (row.key === 'priceInr' && typeof value === 'number') return formatInr(value);
  // A figure without a unit is a count or a year (airbags, crash-test year): no digit grouping.
  const text = typeof value === 'number' ? (row.unit ? formatNumber(value) : String(value)) : label(value);
  return row.unit && row.unit !== 'INR' ? `${text} ${row.unit}` : text;
}

const compareUrl = (slugs: string[], only = false) => `/compare${slugs.length ? `?variants=${slugs.join(',')}` : ''}${only ? `${slugs.length ? '&' : '?'}only=differences` : ''}`;

function Picker({ slugs }: { slugs: string[] }) {
  if (slugs.length >= 4) return <p class="muted">You are comparing the maximum of 4 cars; remove one to add another.</p>;
  return (
    <form action="/compare" method="get" class="form card" data-compare-picker="" data-current={slugs.join(',')}>
      {slugs.length ? <input type="hidden" name="variants" value={slugs.join(',')} /> : null}
      <label for="compare-add">Add a car to compare (name or variant)</label>
      <div class="row search">
        <input id="compare-add" name="add" required maxLength={100} placeholder="e.g. Nexon XZ Plus" />
        <button type="submit">Add</button>
      </div>
    </form>
  );
}

export function ComparePage({ ctx, data }: { ctx: PageContext; data: ComparePageData }) {
  const variants = data.comparison?.variants ?? data.chosen;
  const names = variants.map((v) => v.fullName);
  const title = names.length >= 2 ? `${names.join(' vs ')}: comparison | gadizone` : 'Compare cars side by side | gadizone';
  const rows = data.comparison ? (data.onlyDifferences ? data.comparison.rows.filter((r) => r.differs) : data.comparison.rows) : [];
  return (
    <Layout ctx={ctx} islands={['compare-picker']} meta={{ title, description: names.length >= 2 ? `Compare ${names.join(', ')}: prices, specifications and features side by side.` : 'Compare up to 4 cars: prices, specifications and features side by side.', path: compareUrl(data.slugs) }}>
      <Breadcrumbs items={[{ name: 'Home', path: '/' }, { name: 'Compare', path: '/compare' }]} />
      <h1>{names.length >= 2 ? names.join(' vs ') : 'Compare cars'}</h1>
      {variants.length > 0 ? (
        <ul class="chips" aria-label="Cars being compared">
          {variants.map((v) => (
            <li>
              <span>
                {v.fullName} · <a href={compareUrl(data.slugs.filter((s) => s !== v.slug), data.onlyDifferences)}>Remove<span class="visually-hidden"> {v.fullName}</span></a>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <Picker slugs={data.slugs} />
      {data.comparison ? (
        <section aria-labelledby="specs">
          <h2 id="specs">Specifications and features</h2>
          <p>
            {data.onlyDifferences ? <a href={compareUrl(data.slugs)}>Show all rows</a> : <a href={compareUrl(data.slugs, true)}>Show only differences</a>}
            <span class="muted"> · Rows where the cars differ are highlighted.</span>
          </p>
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Specification</th>
                  {data.comparison.variants.map((v) => (
                    <th scope="col"><a href={`/variants/${v.slug}`}>{v.fullName}</a></th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr class={row.differs ? 'differs' : undefined}>
                    <th scope="row">{row.label}{row.differs ? <span class="visually-hidden"> (differs)</span> : null}</th>
                    {row.values.map((v) => <td>{cell(row, v)}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : (
        <p>Add at least two cars to see them side by side.</p>
      )}
    </Layout>
  );
}
