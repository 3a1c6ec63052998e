// Big rooms: tiles per page, the page's tiles (me and the active speaker always on it), and
// the grid that makes them as large as possible.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fitGrid, MAX_TILES_PER_PAGE, pageTiles, tilesPerPage } from "../../lib/client/tile-paging";

const keys = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);

test("as many as fit, at most 25", () => {
  assert.equal(tilesPerPage(3840, 2160), MAX_TILES_PER_PAGE);
  assert.equal(tilesPerPage(1248, 500), 20); // 5 columns x 4 rows of >= 200 px tiles
  assert.equal(tilesPerPage(448, 162), 2);
  assert.equal(tilesPerPage(100, 50), 1);
  assert.equal(tilesPerPage(0, 0), MAX_TILES_PER_PAGE, "not measured yet: no paging");
});

test("pages of the grid, my tile first on each", () => {
  const all = ["self", ...keys(7)];
  const p0 = pageTiles(all, { perPage: 4, page: 0, fixed: "self" });
  assert.deepEqual(p0, { keys: ["self", "p0", "p1", "p2"], page: 0, pageCount: 3 });
  const p2 = pageTiles(all, { perPage: 4, page: 2, fixed: "self" });
  assert.deepEqual(p2.keys, ["self", "p6"]);
  assert.equal(pageTiles(all, { perPage: 4, page: 99, fixed: "self" }).page, 2, "clamped");
  assert.equal(pageTiles(all, { perPage: 4, page: -3, fixed: "self" }).page, 0);
  assert.deepEqual(pageTiles(all, { perPage: 30, page: 0, fixed: "self" }).keys, all);
});

test("the active speaker is always on the page being looked at", () => {
  const all = ["self", ...keys(7)];
  const p0 = pageTiles(all, { perPage: 4, page: 0, fixed: "self", pinned: "p5" });
  assert.deepEqual(p0.keys, ["self", "p0", "p1", "p5"]);
  // already on the page: nothing moves
  assert.deepEqual(pageTiles(all, { perPage: 4, page: 0, fixed: "self", pinned: "p1" }).keys, ["self", "p0", "p1", "p2"]);
  // a short last page gets the speaker added
  assert.deepEqual(pageTiles(all, { perPage: 4, page: 2, fixed: "self", pinned: "p0" }).keys, ["self", "p6", "p0"]);
  // unknown or own id: ignored
  assert.deepEqual(pageTiles(all, { perPage: 4, page: 0, fixed: "self", pinned: "self" }).keys, ["self", "p0", "p1", "p2"]);
  assert.deepEqual(pageTiles(all, { perPage: 4, page: 0, fixed: "self", pinned: "gone" }).keys, ["self", "p0", "p1", "p2"]);
});

test("the grid makes the tiles as large as the area allows", () => {
  const two = fitGrid(2, 1248, 590);
  assert.equal(two.cols, 2);
  assert.equal(two.tileWidth, 618);
  const one = fitGrid(1, 1248, 590);
  assert.equal(one.cols, 1);
  assert.ok(one.tileHeight <= 590 && one.tileWidth <= 1248);
  const nine = fitGrid(9, 1248, 590);
  assert.equal(nine.cols * nine.rows >= 9, true);
  assert.ok(nine.rows * nine.tileHeight + (nine.rows - 1) * 12 <= 590);
  assert.equal(fitGrid(3, 0, 0).tileWidth, 0);
});
