import { Type, type Static } from '@sinclair/typebox';
import { One } from '../../lib/schemas.js';
import { VariantSummary } from '../variants/schemas.js';

export const MIN_COMPARED = 2;
export const MAX_COMPARED = 4;

export const CompareQuery = Type.Object(
  {
    variants: Type.String({
      pattern: `^[a-z0-9-]+(,[a-z0-9-]+){${MIN_COMPARED - 1},${MAX_COMPARED - 1}}$`,
      description: `${MIN_COMPARED} to ${MAX_COMPARED} comma-separated variant slugs`,
    }),
    onlyDifferences: Type.Boolean({ default: false, description: 'leave out rows where every variant has the same value' }),
  },
  { additionalProperties: false },
);
export type CompareQuery = Static<typeof CompareQuery>;

const Value = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const CompareRow = Type.Object({
  key: Type.String(),
  label: Type.String(),
  group: Type.String(),
  unit: Type.Union([Type.String(), Type.Null()]),
  values: Type.Array(Value, { description: 'one per variant, in the order asked for' }),
  differs: Type.Boolean(),
});
export type CompareRow = Static<typeof CompareRow>;

export const Comparison = Type.Object({
  variants: Type.Array(VariantSummary),
  onlyDifferences: Type.Boolean(),
  rows: Type.Array(CompareRow),
});
export type Comparison = Static<typeof Comparison>;

export const ComparisonOne = One(Comparison);
