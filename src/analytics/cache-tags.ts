/**
 * The trending list's cache tags. It is rewritten by the analytics roll-up (trendingChanged), and it shows
 * model names and prices, so it also carries the catalogue's models-list tag: a renamed or deleted model
 * does not linger in it until the next roll-up.
 */
import { listAnswerTags } from '../catalogue/cache-tags.js';

const TRENDING_LIST = 'list:trending';

/** The trending models list (API answer, home page). */
export function trendingAnswerTags(): string[] {
  return [TRENDING_LIST, ...listAnswerTags('models')];
}

/** The roll-up ranked the trending models anew. */
export function trendingChanged(): string[] {
  return [TRENDING_LIST];
}
