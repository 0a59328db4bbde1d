/**
 * The flight network search composes itineraries over: which airport pairs have flights, and
 * through which airports a connection can be made. Built once from the route list (in the
 * sandbox, the seed's deterministic network) and injected; the legs themselves always come from
 * the read model, so the network only decides which entries a search reads.
 */
export interface RouteNetwork {
  hasRoute(origin: string, destination: string): boolean;
  /**
   * Airports `h` with routes `origin → h` and `h → destination`, busiest first (the smaller of
   * the two legs' daily flights), at most `limit` of them.
   */
  hubs(origin: string, destination: string, limit?: number): readonly string[];
}

export interface NetworkRoute {
  origin: string;
  destination: string;
  /** Flights a day; ranks connection points (default 1). */
  dailyFlights?: number;
}

/** Connection points asked per airport pair when the caller gives no limit. */
export const DEFAULT_HUB_LIMIT = 6;

/**
 * @example
 * const network = createRouteNetwork(seedRoutes());
 * network.hubs("SYD", "LAX") // ["AKL", "HNL", ...]
 */
export function createRouteNetwork(routes: Iterable<NetworkRoute>): RouteNetwork {
  const out = new Map<string, Map<string, number>>();
  for (const route of routes) {
    let from = out.get(route.origin);
    if (!from) {
      from = new Map();
      out.set(route.origin, from);
    }
    from.set(route.destination, route.dailyFlights ?? 1);
  }
  const hubCache = new Map<string, readonly string[]>();
  return {
    hasRoute: (origin, destination) => out.get(origin)?.has(destination) ?? false,
    hubs(origin, destination, limit = DEFAULT_HUB_LIMIT) {
      const key = `${origin}-${destination}-${limit}`;
      const cached = hubCache.get(key);
      if (cached) return cached;
      const scored: [string, number][] = [];
      for (const [hub, first] of out.get(origin) ?? []) {
        if (hub === destination) continue;
        const second = out.get(hub)?.get(destination);
        if (second !== undefined) scored.push([hub, Math.min(first, second)]);
      }
      scored.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const hubs = scored.slice(0, limit).map(([hub]) => hub);
      hubCache.set(key, hubs);
      return hubs;
    },
  };
}
