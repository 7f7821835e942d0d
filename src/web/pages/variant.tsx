import type { VariantDetail } from '../../catalogue/variants/schemas.js';
import { Breadcrumbs, breadcrumbJsonLd, Layout, type PageContext } from '../components/layout.js';
import { formatInr, formatNumber, label } from '../format.js';

function specValue(value: string | number | null, unit: string | null, key: string): string {
  if (value === null) return '—';
  if (key === 'priceInr' && typeof value === 'number') return formatInr(value);
  // A figure without a unit is a count or a year (airbags, crash-test year): no digit grouping.
  const text = typeof value === 'number' ? (unit ? formatNumber(value) : String(value)) : label(value);
  return unit && unit !== 'INR' ? `${text} ${unit}` : text;
}

export function VariantPage({ ctx, variant }: { ctx: PageContext; variant: VariantDetail }) {
  const name = `${variant.brand.name} ${variant.model.name} ${variant.name}`;
  const crumbs = [
    { name: 'Home', path: '/' },
    { name: variant.brand.name, path: `/brands/${variant.brand.slug}` },
    { name: variant.model.name, path: `/cars/${variant.model.slug}` },
    { name: variant.name, path: `/variants/${variant.slug}` },
  ];
  const product = {
    '@context': 'https://schema.org',
    '@type': 'Car',
    name,
    brand: { '@type': 'Brand', name: variant.brand.name },
    model: variant.model.name,
    fuelType: label(variant.fuel),
    vehicleTransmission: label(variant.transmission),
    seatingCapacity: variant.seats,
    url: `${ctx.publicUrl}/variants/${variant.slug}`,
    offers: { '@type': 'Offer', priceCurrency: 'INR', price: variant.priceInr, availability: 'https://schema.org/InStock' },
  };
  return (
    <Layout ctx={ctx} meta={{ title: `${name} price and full specifications | gadizone`, description: `${name}: ${formatInr(variant.priceInr)} ex-showroom, ${label(variant.fuel)}, ${label(variant.transmission)}. Full specifications and features.`, path: `/variants/${variant.slug}`, ogType: 'product', jsonLd: [product, breadcrumbJsonLd(ctx.publicUrl, crumbs)] }}>
      <Breadcrumbs items={crumbs} />
      <h1>{name}</h1>
      <p class="big">{formatInr(variant.priceInr)}<span class="muted"> *ex-showroom</span></p>
      <p>
        <a class="btn" href={`/cars/${variant.model.slug}#enquiry-form`}>Get offers</a> <a class="btn alt" href={`/compare?variants=${variant.slug}`}>Compare with other cars</a>
      </p>
      {variant.specSheet.map((group) => (
        <section aria-labelledby={`g-${group.group.replace(/\W+/g, '-')}`}>
          <h2 id={`g-${group.group.replace(/\W+/g, '-')}`}>{group.group}</h2>
          <table>
            <tbody>
              {group.rows.map((row) => (
                <tr><th scope="row">{row.label}</th><td>{specValue(row.value, row.unit, row.key)}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {variant.features.length > 0 ? (
        <section aria-labelledby="features">
          <h2 id="features">Features</h2>
          <ul>{variant.features.map((f) => <li>{f}</li>)}</ul>
        </section>
      ) : null}
    </Layout>
  );
}
