/**
 * The catalogue's closed vocabularies: the values a body type, fuel, transmission, drivetrain, model status
 * or crash-test programme may take. The field registry (./fields), the list filters, the admin resources
 * and the seed format all read them from here.
 */

export const BODY_TYPES = ['hatchback', 'sedan', 'suv', 'muv', 'coupe', 'convertible', 'pickup', 'van', 'wagon'] as const;
export const FUELS = ['petrol', 'diesel', 'cng', 'electric', 'hybrid'] as const;
export const TRANSMISSIONS = ['manual', 'automatic', 'amt', 'cvt', 'dct'] as const;
export const DRIVETRAINS = ['fwd', 'rwd', 'awd', '4wd'] as const;
export const MODEL_STATUSES = ['current', 'upcoming', 'discontinued'] as const;
/** Crash-test programmes whose star ratings the catalogue carries (India's own, and Global NCAP's India tests). */
export const CRASH_TEST_PROGRAMMES = ['bharat-ncap', 'global-ncap'] as const;

export type BodyType = (typeof BODY_TYPES)[number];
export type Fuel = (typeof FUELS)[number];
export type Transmission = (typeof TRANSMISSIONS)[number];
export type CrashTestProgramme = (typeof CRASH_TEST_PROGRAMMES)[number];
