/**
 * Generated artwork for models without photos: a side-view silhouette of the model's body type in its
 * brand's colour, with glass, wheels, lights, a soft ground shadow and a tinted background. No text is
 * drawn (the model's name is the picture's alt text), so the SVG needs no fonts and rasterises the same
 * everywhere. The same (body type, colour) always gives the same bytes, so renditions are shared.
 */
import type { BodyType } from '../catalogue/vocabulary.js';

export const ARTWORK_WIDTH = 1280;
export const ARTWORK_HEIGHT = 720;
const GROUND_Y = 560;
const FALLBACK_COLOUR = '#6b7280';
/** The profiles are drawn at 1x; the car is then enlarged about the canvas centre to fill the frame. */
const CAR_TRANSFORM = 'translate(-64 -26) scale(1.1)';

/** A side profile in canvas pixels: front (nose) on the left. */
interface Profile {
  nose: number;
  tail: number;
  /** Bottom of the body between the wheels. */
  sill: number;
  /** Top of the front bumper, then the hood line where the windscreen starts. */
  noseTop: number;
  hoodY: number;
  screenX: number;
  roofFrontX: number;
  roofRearX: number;
  roofY: number;
  /** Where the rear glass (or the cab's back) meets the deck, and the deck's height. */
  rearX: number;
  deckY: number;
  wheels: [number, number];
  wheelRadius: number;
  /** Pillars between side windows, as fractions of the roof's length. */
  pillars: number[];
  /** Open top: no roof or side glass, only a raked windscreen. */
  open?: boolean;
}

const PROFILES: Record<BodyType, Profile> = {
  hatchback: { nose: 250, tail: 1030, sill: 535, noseTop: 450, hoodY: 425, screenX: 440, roofFrontX: 590, roofRearX: 900, roofY: 320, rearX: 1015, deckY: 420, wheels: [390, 880], wheelRadius: 62, pillars: [0.45] },
  sedan: { nose: 195, tail: 1085, sill: 535, noseTop: 455, hoodY: 430, screenX: 470, roofFrontX: 640, roofRearX: 800, roofY: 335, rearX: 935, deckY: 425, wheels: [370, 900], wheelRadius: 64, pillars: [0.5] },
  suv: { nose: 190, tail: 1090, sill: 510, noseTop: 405, hoodY: 390, screenX: 455, roofFrontX: 590, roofRearX: 1010, roofY: 272, rearX: 1065, deckY: 390, wheels: [365, 905], wheelRadius: 74, pillars: [0.4, 0.78] },
  muv: { nose: 185, tail: 1095, sill: 525, noseTop: 430, hoodY: 415, screenX: 430, roofFrontX: 590, roofRearX: 1020, roofY: 305, rearX: 1075, deckY: 405, wheels: [360, 910], wheelRadius: 66, pillars: [0.36, 0.7] },
  coupe: { nose: 190, tail: 1090, sill: 540, noseTop: 470, hoodY: 445, screenX: 500, roofFrontX: 680, roofRearX: 760, roofY: 350, rearX: 1000, deckY: 440, wheels: [375, 905], wheelRadius: 66, pillars: [] },
  convertible: { nose: 190, tail: 1090, sill: 540, noseTop: 470, hoodY: 445, screenX: 520, roofFrontX: 600, roofRearX: 612, roofY: 385, rearX: 640, deckY: 442, wheels: [375, 905], wheelRadius: 66, pillars: [], open: true },
  pickup: { nose: 180, tail: 1100, sill: 515, noseTop: 410, hoodY: 395, screenX: 430, roofFrontX: 560, roofRearX: 740, roofY: 290, rearX: 752, deckY: 400, wheels: [355, 920], wheelRadius: 72, pillars: [0.55] },
  van: { nose: 200, tail: 1090, sill: 525, noseTop: 440, hoodY: 420, screenX: 300, roofFrontX: 420, roofRearX: 1060, roofY: 255, rearX: 1085, deckY: 300, wheels: [350, 930], wheelRadius: 62, pillars: [0.3, 0.62] },
  wagon: { nose: 195, tail: 1085, sill: 535, noseTop: 455, hoodY: 430, screenX: 470, roofFrontX: 630, roofRearX: 975, roofY: 330, rearX: 1060, deckY: 420, wheels: [370, 900], wheelRadius: 64, pillars: [0.38, 0.74] },
};

export const isBodyType = (value: string): value is BodyType => Object.hasOwn(PROFILES, value);

/** `#rrggbb` mixed toward white (amount > 0) or black (amount < 0). */
function shade(hex: string, amount: number): string {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const target = amount > 0 ? 255 : 0;
  const mixed = channels.map((c) => Math.round(c + (target - c) * Math.abs(amount)));
  return `#${mixed.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

function bodyPath(p: Profile): string {
  const [front, rear] = p.wheels;
  const arch = p.wheelRadius + 12;
  return [
    `M${p.nose} ${p.sill - 18}`,
    `Q${p.nose - 8} ${p.noseTop + 12} ${p.nose + 22} ${p.noseTop}`,
    `L${p.screenX} ${p.hoodY}`,
    `Q${(p.screenX + p.roofFrontX) / 2 + 10} ${p.roofY + 8} ${p.roofFrontX} ${p.roofY}`,
    `L${p.roofRearX} ${p.roofY}`,
    `Q${(p.roofRearX + p.rearX) / 2 + 10} ${p.roofY + 6} ${p.rearX} ${p.deckY}`,
    `L${p.tail - 16} ${p.deckY + 4}`,
    `Q${p.tail} ${p.deckY + 10} ${p.tail} ${p.deckY + 42}`,
    `L${p.tail} ${p.sill - 18}`,
    `Q${p.tail} ${p.sill} ${p.tail - 20} ${p.sill}`,
    `L${rear + arch} ${p.sill}`,
    `A${arch} ${arch} 0 0 0 ${rear - arch} ${p.sill}`,
    `L${front + arch} ${p.sill}`,
    `A${arch} ${arch} 0 0 0 ${front - arch} ${p.sill}`,
    `L${p.nose + 20} ${p.sill}`,
    `Q${p.nose} ${p.sill} ${p.nose} ${p.sill - 18}Z`,
  ].join('');
}

function glass(p: Profile, body: string): string {
  if (p.open) {
    return `<path d="M${p.screenX + 18} ${p.hoodY - 2}L${p.roofFrontX + 4} ${p.roofY + 6}" stroke="#2b3440" stroke-width="9" stroke-linecap="round"/>`;
  }
  const inset = 16;
  const sillY = Math.max(p.hoodY, p.deckY) - 2;
  const top = p.roofY + inset;
  const window = [
    `M${p.screenX + 30} ${sillY}`,
    `Q${(p.screenX + p.roofFrontX) / 2 + 16} ${top + 6} ${p.roofFrontX + 12} ${top}`,
    `L${p.roofRearX - 10} ${top}`,
    `Q${(p.roofRearX + p.rearX) / 2} ${top + 4} ${p.rearX - 26} ${sillY}Z`,
  ].join('');
  const span = p.roofRearX - p.roofFrontX;
  const pillars = p.pillars.map((f) => `<rect x="${Math.round(p.roofFrontX + span * f - 7)}" y="${top - 2}" width="14" height="${sillY - top + 4}" fill="${body}"/>`);
  return `<path d="${window}" fill="url(#glass)"/>${pillars.join('')}`;
}

function wheel(x: number, y: number, r: number): string {
  return [
    `<circle cx="${x}" cy="${y}" r="${r}" fill="#1c1f24"/>`,
    `<circle cx="${x}" cy="${y}" r="${Math.round(r * 0.62)}" fill="url(#rim)"/>`,
    `<circle cx="${x}" cy="${y}" r="${Math.round(r * 0.62)}" fill="none" stroke="#8b9098" stroke-width="3"/>`,
    `<circle cx="${x}" cy="${y}" r="${Math.round(r * 0.16)}" fill="#4b5058"/>`,
  ].join('');
}

/** The artwork of a model: its body type's profile in `colour` (`#rrggbb`; anything else falls back to grey). */
export function renderArtworkSvg(bodyType: string, colour: string): string {
  const p = PROFILES[isBodyType(bodyType) ? bodyType : 'sedan'];
  const base = /^#[0-9a-fA-F]{6}$/.test(colour) ? colour.toLowerCase() : FALLBACK_COLOUR;
  const wheelY = GROUND_Y - p.wheelRadius;
  const shoulderY = Math.max(p.hoodY, p.deckY) + 22;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${ARTWORK_WIDTH}" height="${ARTWORK_HEIGHT}" viewBox="0 0 ${ARTWORK_WIDTH} ${ARTWORK_HEIGHT}">`,
    '<defs>',
    `<linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${shade(base, 0.9)}"/><stop offset="0.78" stop-color="${shade(base, 0.97)}"/><stop offset="1" stop-color="${shade(base, 0.86)}"/></linearGradient>`,
    `<linearGradient id="paint" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${shade(base, 0.25)}"/><stop offset="0.55" stop-color="${base}"/><stop offset="1" stop-color="${shade(base, -0.35)}"/></linearGradient>`,
    '<linearGradient id="glass" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#3c4a5c"/><stop offset="1" stop-color="#1b222c"/></linearGradient>',
    '<radialGradient id="rim"><stop offset="0" stop-color="#e3e6ea"/><stop offset="1" stop-color="#a7adb5"/></radialGradient>',
    '<filter id="blur" x="-20%" y="-200%" width="140%" height="500%"><feGaussianBlur stdDeviation="14"/></filter>',
    '</defs>',
    `<rect width="${ARTWORK_WIDTH}" height="${ARTWORK_HEIGHT}" fill="url(#bg)"/>`,
    `<g transform="${CAR_TRANSFORM}">`,
    `<ellipse cx="${(p.nose + p.tail) / 2}" cy="${GROUND_Y + 6}" rx="${(p.tail - p.nose) / 2 + 20}" ry="18" fill="#000" opacity="0.22" filter="url(#blur)"/>`,
    `<path d="${bodyPath(p)}" fill="url(#paint)"/>`,
    glass(p, base),
    `<path d="M${p.nose + 40} ${shoulderY}L${p.tail - 30} ${shoulderY - 4}" stroke="#fff" stroke-opacity="0.28" stroke-width="4" stroke-linecap="round"/>`,
    `<ellipse cx="${p.nose + 26}" cy="${p.noseTop + 16}" rx="16" ry="9" fill="#fff8d6"/>`,
    `<rect x="${p.tail - 12}" y="${p.deckY + 14}" width="10" height="22" rx="4" fill="#c8102e"/>`,
    wheel(p.wheels[0], wheelY, p.wheelRadius),
    wheel(p.wheels[1], wheelY, p.wheelRadius),
    '</g></svg>',
  ].join('');
}
