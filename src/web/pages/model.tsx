import type { ModelDetail, ModelSummary } from '../../catalogue/models/schemas.js';
import type { Picture } from '../../media/picture.js';
import { ModelCard } from '../components/cards.js';
import { Breadcrumbs, breadcrumbJsonLd, Layout, type PageContext } from '../components/layout.js';
import { ResponsivePicture } from '../components/picture.js';
import { formatNumber, formatPriceRange, label } from '../format.js';
import { DEFAULT_CITY, ON_ROAD_RULES, onRoadPrice } from '../on-road/on-road.js';
import type { ModelPageQuery } from '../schemas.js';
import { EmiCalculator, EnquiryForm, OnRoad, VariantsTable } from './model-sections.js';

export interface ModelPageData {
  model: ModelDetail;
  query: ModelPageQuery;
  similar: ModelSummary[];
  pictures: Picture[];
}

const HERO_SIZES = '(min-width: 900px) 760px, 100vw';
const GALLERY_SIZES = '(min-width: 900px) 240px, 50vw';

/** "Global NCAP (2024): 5 stars adult, 4 stars child", or null when the model has no crash test on record. */
export function crashTest(model: ModelDetail): string | null {
  const { crashTestProgramme: programme, crashTestYear: year, crashTestAdultStars: adult, crashTestChildStars: child } = model;
  if (programme === null || year === null || adult === null || child === null) return null;
  return `${label(programme)} (${year}): ${adult} stars adult, ${child} stars child`;
}

function KeySpecs({ model }: { model: ModelDetail }) {
  const range = (r: { min: number | null; max: number | null; unit: string }) =>
    r.min === null ? null : `${formatNumber(r.min)}${r.max !== null && r.max !== r.min ? ` - ${formatNumber(r.max)}` : ''} ${r.unit}`;
  const specs: [string, string | null][] = [
    ['Engine', range(model.keySpecs.engineCc)],
    ['Power', range(model.keySpecs.powerBhp)],
    ['Mileage', range(model.keySpecs.mileageKmpl)],
    ['Range', range(model.keySpecs.rangeKm)],
    ['Seats', range(model.keySpecs.seats)],
    ['Airbags', range(model.keySpecs.airbags)],
    ['Boot space', range(model.keySpecs.bootLitres)],
    ['Crash test', crashTest(model)],
  ];
  return (
    <section aria-labelledby="key-specs">
      <h2 id="key-specs">Key specs</h2>
      <dl class="specs">
        {specs.filter(([, v]) => v !== null).map(([name, value]) => (
          <div><dt>{name}</dt><dd>{value}</dd></div>
        ))}
        <div><dt>Fuel</dt><dd>{model.fuels.map(label).join(', ') || '—'}</dd></div>
        <div><dt>Transmission</dt><dd>{model.transmissions.map(label).join(', ') || '—'}</dd></div>
      </dl>
    </section>
  );
}

export function modelJsonLd(publicUrl: string, model: ModelDetail, image?: string): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'Car',
    name: `${model.brand.name} ${model.name}`,
    brand: { '@type': 'Brand', name: model.brand.name },
    model: model.name,
    bodyType: label(model.bodyType),
    fuelType: model.fuels.map(label).join(', '),
    description: model.description,
    url: `${publicUrl}/cars/${model.slug}`,
    ...(image ? { image: image.startsWith('http') ? image : `${publicUrl}${image}` } : {}),
    ...(model.priceMinInr === null
      ? {}
      : { offers: { '@type': 'AggregateOffer', priceCurrency: 'INR', lowPrice: model.priceMinInr, highPrice: model.priceMaxInr ?? model.priceMinInr, offerCount: model.variants.length } }),
  };
}

export function ModelPage({ ctx, data }: { ctx: PageContext; data: ModelPageData }) {
  const { model, query, similar, pictures } = data;
  const crumbs = [
    { name: 'Home', path: '/' },
    { name: model.brand.name, path: `/brands/${model.brand.slug}` },
    { name: model.name, path: `/cars/${model.slug}` },
  ];
  const variants = model.variants.filter((v) => (query.fuel === undefined || v.fuel === query.fuel) && (query.transmission === undefined || v.transmission === query.transmission));
  const base = variants[0] ?? model.variants[0];
  const citySlug = query.city ?? DEFAULT_CITY;
  const onRoad = base === undefined ? null : onRoadPrice(ON_ROAD_RULES, citySlug, base.priceInr, base.fuel);
  const [hero, ...gallery] = pictures;
  const priceText = formatPriceRange(model.priceMinInr, model.priceMaxInr);
  return (
    <Layout
      ctx={ctx}
      islands={['emi']}
      meta={{
        title: `${model.brand.name} ${model.name} price, variants, specs | gadizone`,
        description: `${model.brand.name} ${model.name} price ${priceText} (ex-showroom). ${model.variants.length} variants, on-road price, EMI, specs and colours.`,
        path: `/cars/${model.slug}`,
        ogType: 'product',
        ...(hero ? { ogImage: hero.src } : {}),
        jsonLd: [modelJsonLd(ctx.publicUrl, model, hero?.src), breadcrumbJsonLd(ctx.publicUrl, crumbs)],
      }}
    >
      <Breadcrumbs items={crumbs} />
      <div class="layout model">
        <div>
          <h1>{model.brand.name} {model.name}</h1>
          {hero ? <ResponsivePicture picture={hero} sizes={HERO_SIZES} hero class="picture" /> : null}
          <p class="big">{priceText}<span class="muted"> *ex-showroom</span></p>
          <p>
            <a class="btn" href="#enquiry-form">Get offers from dealers</a> <a class="btn alt" href="#on-road">On-road price</a>
          </p>
          <p>{model.description}</p>
          <KeySpecs model={model} />
          <VariantsTable model={model} query={query} variants={variants} />
          {model.colours.length > 0 ? (
            <section aria-labelledby="colours">
              <h2 id="colours">{model.name} colours</h2>
              <ul class="swatches">
                {model.colours.map((c) => (
                  <li>
                    {/* An SVG fill, not a style attribute: the CSP allows no inline style attributes. */}
                    <svg width="22" height="22" aria-hidden="true"><circle cx="11" cy="11" r="10" fill={c.hex} stroke="#00000044" /></svg>
                    {c.name}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {gallery.length > 0 ? (
            <section aria-labelledby="gallery">
              <h2 id="gallery">Gallery</h2>
              <ul class="gallery">
                {gallery.map((p) => (
                  <li><ResponsivePicture picture={p} sizes={GALLERY_SIZES} /></li>
                ))}
              </ul>
            </section>
          ) : null}
          {model.features.length > 0 ? (
            <section aria-labelledby="features">
              <h2 id="features">Key features</h2>
              <ul>{model.features.map((f) => <li>{f}</li>)}</ul>
            </section>
          ) : null}
        </div>
        <aside aria-label="Prices and offers">
          {base && onRoad ? <OnRoad model={model} query={query} variant={base} price={onRoad} citySlug={citySlug} /> : null}
          {base ? <EmiCalculator model={model} query={query} priceInr={base.priceInr} /> : null}
          <EnquiryForm model={model} />
        </aside>
      </div>
      {similar.length > 0 ? (
        <section aria-labelledby="similar">
          <h2 id="similar">Similar cars</h2>
          <ul class="grid">{similar.map((m) => <ModelCard model={m} />)}</ul>
        </section>
      ) : null}
    </Layout>
  );
}
