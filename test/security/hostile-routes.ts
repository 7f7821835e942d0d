/**
 * The routes an app instance serves, read from Fastify's own listing rather than written down, so a sweep
 * over them covers a route the day it is added.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';

export interface Route {
  method: HTTPMethods;
  /** As registered: `/api/admin/brands/:id`, `/media/*`. */
  url: string;
}

/**
 * Every route of `app`, from `printRoutes` without common-prefix compression: one node per line, each
 * indented four columns under its parent, with its methods.
 */
export function routesOf(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const paths: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    paths.length = depth;
    const url = (paths[depth - 1] ?? '') + match[2]!;
    paths.push(url);
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method: method as HTTPMethods, url });
  }
  return routes;
}

/** The route's path parameters in order (`:id`, and `*` for a wildcard). */
export const paramsOf = (url: string): string[] => url.match(/:\w+|\*/g) ?? [];
