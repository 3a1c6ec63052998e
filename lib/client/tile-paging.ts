// Big rooms (last-N): the grid shows only the tiles that fit on screen, at most
// MAX_TILES_PER_PAGE, in pages; the active speaker is always on the page being looked at.
// Tiles that are not shown have no <video>, so the layer reporter tells the server nobody
// sees them and their consumers are paused. Pure, for the grid component and unit tests.

export const MAX_TILES_PER_PAGE = 25;
/** Below this width a camera tile is too small to recognise anyone. */
export const MIN_TILE_WIDTH = 200;
export const TILE_ASPECT = 16 / 9;

export type GridFit = { cols: number; rows: number; tileWidth: number; tileHeight: number };

/**
 * The column count that makes `n` tiles (16:9) as large as possible inside width×height
 * with `gap` between them, and the tile size that results.
 */
export function fitGrid(n: number, width: number, height: number, gap = 12): GridFit {
  const count = Math.max(1, n);
  let best: GridFit = { cols: 1, rows: count, tileWidth: 0, tileHeight: 0 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const byWidth = (width - gap * (cols - 1)) / cols;
    const byHeight = ((height - gap * (rows - 1)) / rows) * TILE_ASPECT;
    const tileWidth = Math.max(0, Math.floor(Math.min(byWidth, byHeight)));
    if (tileWidth > best.tileWidth) best = { cols, rows, tileWidth, tileHeight: Math.floor(tileWidth / TILE_ASPECT) };
  }
  return best;
}

/** How many tiles fit on one page: as many as fit at MIN_TILE_WIDTH, at least 1, at most 25. */
export function tilesPerPage(width: number, height: number, gap = 12): number {
  if (!(width > 0) || !(height > 0)) return MAX_TILES_PER_PAGE;
  const cols = Math.max(1, Math.floor((width + gap) / (MIN_TILE_WIDTH + gap)));
  const rows = Math.max(1, Math.floor((height + gap) / (MIN_TILE_WIDTH / TILE_ASPECT + gap)));
  return Math.max(1, Math.min(MAX_TILES_PER_PAGE, cols * rows));
}

export type Page<K> = { keys: K[]; page: number; pageCount: number };

/**
 * The tiles of page `page` (0-based, clamped) of `keys` (in grid order). `fixed` (my own tile)
 * is on every page, first; `pinned` (the active speaker) too: if it would be on another page
 * it takes the last slot of this one, and the tile it displaces moves to the next page.
 */
export function pageTiles<K>(keys: ReadonlyArray<K>, opts: { perPage: number; page: number; fixed?: K | null; pinned?: K | null }): Page<K> {
  const perPage = Math.max(1, Math.floor(opts.perPage));
  const fixed = opts.fixed != null && keys.includes(opts.fixed) ? opts.fixed : null;
  const rest = keys.filter((k) => k !== fixed);
  const slots = Math.max(1, perPage - (fixed === null ? 0 : 1));
  const pageCount = Math.max(1, Math.ceil(rest.length / slots));
  const page = Math.min(Math.max(0, Math.floor(opts.page)), pageCount - 1);
  let shown = rest.slice(page * slots, page * slots + slots);
  const pinned = opts.pinned ?? null;
  if (pinned !== null && pinned !== fixed && rest.includes(pinned) && !shown.includes(pinned)) {
    shown = shown.length >= slots ? [...shown.slice(0, slots - 1), pinned] : [...shown, pinned];
  }
  return { keys: fixed === null ? shown : [fixed, ...shown], page, pageCount };
}
