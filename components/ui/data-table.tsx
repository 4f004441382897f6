import type { ReactNode } from "react";

/**
 * A table in the box it scrolls inside (`boxClassName`: "card table-box" on its own,
 * "table-frame" inside a card): column headings (a null one is left out), then the rows.
 */
export function DataTable({
  columns,
  caption,
  boxClassName,
  children,
}: {
  columns: ReactNode[];
  /** For screen readers. */
  caption?: string;
  boxClassName: string;
  children: ReactNode;
}) {
  const headings = columns.filter((column) => column !== null);
  return (
    <div className={boxClassName}>
      <table className="table">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr>
            {headings.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** The heading of a column of buttons: read out, not shown. */
export const ACTIONS = <span className="sr-only">Actions</span>;
