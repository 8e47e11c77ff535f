// VAT rates as data: each category of each country is a list of rates with the instant they took
// effect. Dates without a time take effect at 00:00 UTC, the calendar the engine's periods use.
// A table starts at the earliest rate we can vouch for; asking for an earlier date is an error
// rather than a guess.
import type { CountryCode } from './types';

export interface RateEntry {
  /** ISO date or date-time from which the rate applies. */
  validFrom: string;
  basisPoints: number;
}

/**
 * A country's rates per category. The exempt category is always 0 % and has no entries. A missing
 * reduced category falls back to the standard rate: charging the standard rate where a lower one
 * may apply is the conservative error (the seller never under-declares VAT), and it is what we do
 * for EU countries until their reduced rates are mapped to our categories.
 */
export interface CountryRates {
  standard: readonly RateEntry[];
  reduced_middle?: readonly RateEntry[];
  reduced_low?: readonly RateEntry[];
}

export type RateTable = Readonly<Record<CountryCode, CountryRates>>;

function standardOnly(...entries: [validFrom: string, basisPoints: number][]): CountryRates {
  return { standard: entries.map(([validFrom, basisPoints]) => ({ validFrom, basisPoints })) };
}

export const VAT_RATES: RateTable = {
  NO: {
    standard: [{ validFrom: '2005-01-01', basisPoints: 2500 }],
    // Food and non-alcoholic drink.
    reduced_middle: [{ validFrom: '2012-01-01', basisPoints: 1500 }],
    // Passenger transport, accommodation, cinema, museums, sports events; 6 % during the pandemic.
    reduced_low: [
      { validFrom: '2012-01-01', basisPoints: 800 },
      { validFrom: '2016-01-01', basisPoints: 1000 },
      { validFrom: '2018-01-01', basisPoints: 1200 },
      { validFrom: '2020-04-01', basisPoints: 600 },
      { validFrom: '2021-10-01', basisPoints: 1200 },
    ],
  },
  AT: standardOnly(['1984-01-01', 2000]),
  BE: standardOnly(['1996-01-01', 2100]),
  BG: standardOnly(['1999-01-01', 2000]),
  CY: standardOnly(['2014-01-13', 1900]),
  CZ: standardOnly(['2013-01-01', 2100]),
  // 16 % for the second half of 2020 (pandemic relief).
  DE: standardOnly(['2007-01-01', 1900], ['2020-07-01', 1600], ['2021-01-01', 1900]),
  DK: standardOnly(['1992-01-01', 2500]),
  EE: standardOnly(['2009-07-01', 2000], ['2024-01-01', 2200], ['2025-07-01', 2400]),
  ES: standardOnly(['2012-09-01', 2100]),
  FI: standardOnly(['2013-01-01', 2400], ['2024-09-01', 2550]),
  FR: standardOnly(['2014-01-01', 2000]),
  GR: standardOnly(['2016-06-01', 2400]),
  HR: standardOnly(['2012-03-01', 2500]),
  HU: standardOnly(['2012-01-01', 2700]),
  // 21 % from September 2020 to February 2021 (pandemic relief).
  IE: standardOnly(['2012-01-01', 2300], ['2020-09-01', 2100], ['2021-03-01', 2300]),
  IT: standardOnly(['2013-10-01', 2200]),
  LT: standardOnly(['2009-09-01', 2100]),
  // 16 % during 2023 (energy-crisis relief).
  LU: standardOnly(['2015-01-01', 1700], ['2023-01-01', 1600], ['2024-01-01', 1700]),
  LV: standardOnly(['2012-07-01', 2100]),
  MT: standardOnly(['2004-01-01', 1800]),
  NL: standardOnly(['2012-10-01', 2100]),
  PL: standardOnly(['2011-01-01', 2300]),
  PT: standardOnly(['2011-01-01', 2300]),
  RO: standardOnly(['2017-01-01', 1900], ['2025-08-01', 2100]),
  SE: standardOnly(['1990-07-01', 2500]),
  SI: standardOnly(['2013-07-01', 2200]),
  SK: standardOnly(['2011-01-01', 2000], ['2025-01-01', 2300]),
};
