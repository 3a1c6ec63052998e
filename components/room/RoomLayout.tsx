// Grid of camera tiles; when someone shares a screen the shares take the stage and the
// cameras move to a side strip (below on narrow screens). The camera container keeps its
// place in the tree in both modes so tiles (and their <video>s) are not re-mounted.
import { isValidElement, type ReactNode } from "react";

function gridClasses(n: number): string {
  if (n <= 1) return "grid-cols-1 max-w-4xl";
  if (n === 2) return "grid-cols-1 sm:grid-cols-2 max-w-6xl";
  if (n <= 4) return "grid-cols-1 sm:grid-cols-2 max-w-5xl";
  if (n <= 9) return "grid-cols-2 lg:grid-cols-3 max-w-6xl";
  return "grid-cols-2 md:grid-cols-3 xl:grid-cols-4 max-w-7xl";
}

export function RoomLayout({ cameras, screens }: { cameras: ReactNode[]; screens: ReactNode[] }) {
  const staged = screens.length > 0;
  return (
    <div
      className={
        staged
          ? "flex h-full min-h-0 flex-col gap-3 p-3 lg:flex-row"
          : "flex min-h-full items-center justify-center p-4"
      }
    >
      {staged && (
        <section aria-label="Screen shares" className="flex min-h-0 flex-1 items-center justify-center">
          <div className={`grid w-full gap-3 ${screens.length > 1 ? "xl:grid-cols-2" : ""}`}>{screens}</div>
        </section>
      )}
      <section
        aria-label="Participants"
        className={
          staged
            ? "flex shrink-0 gap-3 overflow-x-auto lg:w-72 lg:flex-col lg:overflow-y-auto lg:overflow-x-visible"
            : `grid w-full gap-3 ${gridClasses(cameras.length)}`
        }
      >
        {cameras.map((c, i) => (
          <div key={isValidElement(c) && c.key != null ? c.key : i} className={staged ? "w-48 shrink-0 lg:w-full" : "min-w-0"}>
            {c}
          </div>
        ))}
      </section>
    </div>
  );
}
