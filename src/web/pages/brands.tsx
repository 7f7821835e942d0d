import type { BrandDetail, BrandSummary } from '../../catalogue/brands/schemas.js';
import { ModelCard } from '../components/cards.js';
import { Breadcrumbs, breadcrumbJsonLd, Layout, type PageContext } from '../components/layout.js';
import { formatPriceRange } from '../format.js';

export function BrandsPage({ ctx, brands }: { ctx: PageContext; brands: BrandSummary[] }) {
  const crumbs = [{ name: 'Home', path: '/' }, { name: 'Brands', path: '/brands' }];
  return (
    <Layout ctx={ctx} meta={{ title: 'All car brands in India | gadizone', description: `Prices and models of ${brands.length} car brands sold in India.`, path: '/brands', jsonLd: [breadcrumbJsonLd(ctx.publicUrl, crumbs)] }}>
      <Breadcrumbs items={crumbs} />
      <h1>All car brands</h1>
      <ul class="grid">
        {brands.map((brand) => (
          <li class="card">
            <a href={`/brands/${brand.slug}`}>
              <h2>{brand.name}</h2>
            </a>
            <p class="price">{formatPriceRange(brand.priceMinInr, brand.priceMaxInr)}</p>
            <p class="muted">
              {brand.modelCount} {brand.modelCount === 1 ? 'model' : 'models'} on sale · {brand.country}
            </p>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function BrandPage({ ctx, brand }: { ctx: PageContext; brand: BrandDetail }) {
  const crumbs = [{ name: 'Home', path: '/' }, { name: 'Brands', path: '/brands' }, { name: brand.name, path: `/brands/${brand.slug}` }];
  const onSale = brand.models.filter((m) => m.status === 'current');
  const others = brand.models.filter((m) => m.status !== 'current');
  const description = `${brand.name} cars in India: ${onSale.length} models, prices ${formatPriceRange(brand.priceMinInr, brand.priceMaxInr)}.`;
  const org = { '@context': 'https://schema.org', '@type': 'Brand', name: brand.name, url: `${ctx.publicUrl}/brands/${brand.slug}`, description: brand.description };
  return (
    <Layout ctx={ctx} meta={{ title: `${brand.name} cars: prices, models and specs | gadizone`, description, path: `/brands/${brand.slug}`, jsonLd: [org, breadcrumbJsonLd(ctx.publicUrl, crumbs)] }}>
      <Breadcrumbs items={crumbs} />
      <h1>{brand.name} cars</h1>
      <p>{brand.description}</p>
      <p class="price">{formatPriceRange(brand.priceMinInr, brand.priceMaxInr)}</p>
      <section aria-labelledby="on-sale">
        <h2 id="on-sale">{brand.name} models on sale</h2>
        <ul class="grid">
          {onSale.map((model) => (
            <ModelCard model={model} />
          ))}
        </ul>
      </section>
      {others.length > 0 ? (
        <section aria-labelledby="others">
          <h2 id="others">Upcoming and discontinued</h2>
          <ul class="grid">
            {others.map((model) => (
              <ModelCard model={model} />
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
