import type { Cabin } from "@travel/core";
import type { FlightOffer, HotelOffer, Offer } from "../offers.js";

/** What defines a flight result set (filters, sorting and paging are applied afterwards). */
export interface FlightSearchRequest {
  origin: string;
  destination: string;
  departureDate: string;
  cabin: Cabin;
}

/** What defines a hotel result set. */
export interface HotelSearchRequest {
  city: string;
  checkIn: string;
  checkOut: string;
}

export interface SupplierCallOptions {
  /** Aborted when the fan-out gives up on this supplier (timeout); honour it where you can. */
  signal: AbortSignal;
  /** The instant offers are priced at (`pricedAt`). */
  now: Date;
}

/**
 * One source of offers. The inventory supplier reads our own table; others would call an
 * external API. Offers come back unfiltered and unsorted: every offer of the request,
 * including sold-out ones, so the cached set can serve every filter.
 */
export interface Supplier {
  readonly name: string;
  /** True when an offer id has this supplier's shape (no I/O): `getOffer` asks only its owner. */
  ownsOffer(offerId: string): boolean;
  searchFlights(request: FlightSearchRequest, options: SupplierCallOptions): Promise<FlightOffer[]>;
  searchHotels(request: HotelSearchRequest, options: SupplierCallOptions): Promise<HotelOffer[]>;
  /**
   * The offer re-priced live from the source of truth (strongly consistent where the source
   * allows), or `undefined` when this supplier does not know the id.
   */
  priceOffer(offerId: string, options: SupplierCallOptions): Promise<Offer | undefined>;
}
