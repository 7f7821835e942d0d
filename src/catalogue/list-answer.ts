/**
 * One model or variant list answer: from the read model when it is ready for these filters, else from
 * PostgreSQL, with facet counts from the same source when `facets` asks for them. Both list services
 * answer through it, so the choice of source is made in one place.
 */
import { parseFacets, type FacetCounts, type ListEntity } from './facets.js';
import type { CatalogueFilters } from './filters.js';
import type { ListResult } from './list-query.js';
import type { CatalogueReadModel } from './read-model/read-model.js';

/** What PostgreSQL answers a list with (the repositories). */
export interface SqlList<Row> {
  list(filters: CatalogueFilters): Promise<ListResult<Row>>;
  facets(filters: CatalogueFilters, names: ReturnType<typeof parseFacets>): Promise<FacetCounts>;
}

export async function readList<Row extends { id: number }>(
  entity: ListEntity,
  readModel: CatalogueReadModel | null,
  sql: SqlList<Row>,
  filters: CatalogueFilters & { facets?: string },
): Promise<ListResult<Row> & { facets?: FacetCounts }> {
  const names = parseFacets(filters.facets);
  const memory = readModel?.answers(filters) === true ? readModel : null;
  const { rows, pagination } = memory !== null ? memory[entity].list<Row>(filters) : await sql.list(filters);
  if (names.length === 0) return { rows, pagination };
  return { rows, pagination, facets: memory !== null ? memory.facets(entity, filters, names) : await sql.facets(filters, names) };
}
