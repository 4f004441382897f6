"use client";

/**
 * An array of flat objects as an editable spreadsheet-like grid (a row per item, a column per
 * property): keyboard first (roving tabindex, arrows, Enter/F2/typing to edit), paste of TSV
 * from a spreadsheet, copy as TSV, and only the rows in view in the DOM so 10,000 rows stay
 * fast. The grid never changes the array itself: every user action is one onChange call with
 * the changes, and the parent (the schema form) applies them and validates.
 */
import { type JSX, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import styles from "./array-grid.module.css";
import {
  canShowAsGrid,
  escapePointerToken,
  type GridChange,
  type GridColumn,
  gridColumns,
  planPaste,
  textToValue,
  valueToText,
} from "./grid-values";
import { parseTsv, writeTsv } from "./tsv";

export { canShowAsGrid, type GridChange };

export interface ArrayGridProps {
  /** Accessible name of the grid. */
  label: string;
  /** JSON Pointer of the array, e.g. "/dataFiles". */
  pointer: string;
  /** The item's object schema, $refs already resolved. */
  itemSchema: Record<string, unknown>;
  /** The array as it is in the config (items may be invalid). */
  value: ReadonlyArray<unknown>;
  /** One call per user action (a paste is one call). */
  onChange(changes: GridChange[]): void;
  /** Pointer -> message, e.g. "/dataFiles/3/sample"; "/dataFiles/3" is the row. */
  errors: ReadonlyMap<string, string>;
  minItems?: number;
  maxItems?: number;
  readOnly?: boolean;
  /** Unique prefix for element ids. */
  idPrefix: string;
}

interface Cell {
  row: number;
  col: number;
}
interface Editing extends Cell {
  text: string;
}

const ROW_HEIGHT = 32;
const HEADER_HEIGHT = 36;
const ROW_NUMBER_WIDTH = 56;
const OVERSCAN = 6;
/** Rows assumed in view before the grid is measured (and where nothing measures: tests). */
const DEFAULT_VIEW_ROWS = 14;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function cellValue(value: ReadonlyArray<unknown>, row: number, column: GridColumn): unknown {
  const item = value[row];
  return isRecord(item) ? item[column.name] : undefined;
}

/** Messages per row that no cell shows: the row's own, and those of properties without a column. */
function rowMessages(
  errors: ReadonlyMap<string, string>,
  pointer: string,
  columns: readonly GridColumn[],
): Map<number, string[]> {
  const byRow = new Map<number, string[]>();
  const cellTokens = new Set(columns.map((column) => escapePointerToken(column.name)));
  const prefix = `${pointer}/`;
  for (const [at, message] of errors) {
    if (!at.startsWith(prefix)) continue;
    const [index, token, ...deeper] = at.slice(prefix.length).split("/");
    if (!index || !/^\d+$/.test(index)) continue;
    if (token !== undefined && cellTokens.has(token) && deeper.length === 0) continue;
    const row = Number(index);
    const label = token === undefined ? message : `${token}: ${message}`;
    byRow.set(row, [...(byRow.get(row) ?? []), label]);
  }
  return byRow;
}

export function ArrayGrid(props: ArrayGridProps): JSX.Element {
  const { label, pointer, itemSchema, value, errors, idPrefix } = props;
  const readOnly = props.readOnly === true;
  const columns = useMemo(() => gridColumns(itemSchema), [itemSchema]);
  const rows = value.length;
  const [focus, setFocus] = useState<Cell>({ row: 0, col: 0 });
  const [anchor, setAnchor] = useState<Cell>({ row: 0, col: 0 });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(0);
  const [message, setMessage] = useState("");
  const scroller = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  /** Set by the grid's own actions: the focused cell should get DOM focus after rendering. */
  const wantFocus = useRef(false);

  const lastRow = Math.max(0, rows - 1);
  const lastCol = Math.max(0, columns.length - 1);
  const at: Cell = { row: Math.min(focus.row, lastRow), col: Math.min(focus.col, lastCol) };
  const from: Cell = { row: Math.min(anchor.row, lastRow), col: Math.min(anchor.col, lastCol) };
  const top = Math.min(at.row, from.row);
  const bottom = Math.max(at.row, from.row);
  const left = Math.min(at.col, from.col);
  const right = Math.max(at.col, from.col);
  const editingNow = editing && editing.row < rows ? editing : null;

  const messages = useMemo(() => rowMessages(errors, pointer, columns), [errors, pointer, columns]);
  const template = `${ROW_NUMBER_WIDTH}px ${columns.map((column) => `${column.width}px`).join(" ")}`;
  const width = ROW_NUMBER_WIDTH + columns.reduce((sum, column) => sum + column.width, 0);
  const view = viewHeight > 0 ? viewHeight - HEADER_HEIGHT : DEFAULT_VIEW_ROWS * ROW_HEIGHT;
  const pageRows = Math.max(1, Math.floor(view / ROW_HEIGHT) - 1);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows - 1, Math.ceil((scrollTop + view) / ROW_HEIGHT) + OVERSCAN);
  const shown: number[] = [];
  // The focused row stays in the DOM when scrolled away: it holds the grid's one tab stop.
  if (rows > 0 && at.row < first) shown.push(at.row);
  for (let row = first; row <= last; row++) shown.push(row);
  if (rows > 0 && at.row > last) shown.push(at.row);

  // Latest state for the document's copy and paste listeners.
  const latest = useRef({ value, columns, at, top, bottom, left, right, editingNow, props });
  latest.current = { value, columns, at, top, bottom, left, right, editingNow, props };

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setViewHeight(element.clientHeight);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    if (editingNow) {
      const element = input.current;
      if (element && document.activeElement !== element) {
        element.focus({ preventScroll: true });
        element.setSelectionRange(element.value.length, element.value.length);
      }
      return;
    }
    if (!wantFocus.current) return;
    const cell = scroller.current?.querySelector<HTMLElement>(
      `[data-row="${at.row}"][data-col="${at.col}"]`,
    );
    if (!cell) return;
    wantFocus.current = false;
    cell.focus({ preventScroll: true });
    cell.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  });

  useEffect(() => {
    const inGrid = () => {
      const active = document.activeElement;
      return active !== null && scroller.current?.contains(active) === true;
    };
    const copy = (event: ClipboardEvent) => {
      const state = latest.current;
      if (state.editingNow || !inGrid() || !event.clipboardData || state.value.length === 0) return;
      const lines: string[][] = [];
      for (let row = state.top; row <= state.bottom; row++) {
        const line: string[] = [];
        for (let col = state.left; col <= state.right; col++)
          line.push(valueToText(cellValue(state.value, row, state.columns[col]!)));
        lines.push(line);
      }
      event.clipboardData.setData("text/plain", writeTsv(lines));
      event.preventDefault();
    };
    const paste = (event: ClipboardEvent) => {
      const state = latest.current;
      if (state.props.readOnly || state.editingNow || !inGrid() || !event.clipboardData) return;
      event.preventDefault();
      const fields = parseTsv(event.clipboardData.getData("text/plain"));
      if (fields.length === 0) return;
      const plan = planPaste({
        value: state.value,
        columns: state.columns,
        row: state.value.length === 0 ? 0 : state.at.row,
        column: state.at.col,
        fields,
        maxItems: state.props.maxItems,
      });
      const notes: string[] = [];
      if (plan.droppedRows > 0)
        notes.push(
          `${plan.droppedRows} pasted row${plan.droppedRows === 1 ? "" : "s"} left out: at most ${state.props.maxItems} rows.`,
        );
      if (plan.droppedColumns > 0)
        notes.push(
          `${plan.droppedColumns} pasted column${plan.droppedColumns === 1 ? "" : "s"} past the last column left out.`,
        );
      setMessage(notes.join(" "));
      if (plan.changes.length > 0) state.props.onChange(plan.changes);
      if (plan.rows > 0 && plan.columns > 0) {
        const start = state.value.length === 0 ? 0 : state.at.row;
        setAnchor({ row: start, col: state.at.col });
        setFocus({ row: start + plan.rows - 1, col: state.at.col + plan.columns - 1 });
        wantFocus.current = true;
      }
    };
    document.addEventListener("copy", copy);
    document.addEventListener("paste", paste);
    return () => {
      document.removeEventListener("copy", copy);
      document.removeEventListener("paste", paste);
    };
  }, []);

  const moveTo = (row: number, col: number, extend = false) => {
    const next = {
      row: Math.max(0, Math.min(lastRow, row)),
      col: Math.max(0, Math.min(lastCol, col)),
    };
    setFocus(next);
    if (!extend) setAnchor(next);
    wantFocus.current = true;
  };

  const set = (row: number, col: number, text: string) => {
    const column = columns[col]!;
    const next = textToValue(text, column);
    if (!Object.is(next, cellValue(value, row, column)))
      props.onChange([{ kind: "set", row, column: column.name, value: next }]);
  };

  const startEditing = (text: string) => {
    if (readOnly || rows === 0 || columns.length === 0) return;
    setMessage("");
    setEditing({ row: at.row, col: at.col, text });
  };

  const onGridKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (event.target instanceof HTMLInputElement || rows === 0) return;
    const ctrl = event.ctrlKey || event.metaKey;
    const shift = event.shiftKey;
    const key = event.key;
    const moves: Record<string, () => void> = {
      ArrowUp: () => moveTo(ctrl ? 0 : at.row - 1, at.col, shift),
      ArrowDown: () => moveTo(ctrl ? lastRow : at.row + 1, at.col, shift),
      ArrowLeft: () => moveTo(at.row, ctrl ? 0 : at.col - 1, shift),
      ArrowRight: () => moveTo(at.row, ctrl ? lastCol : at.col + 1, shift),
      Home: () => moveTo(ctrl ? 0 : at.row, 0, shift),
      End: () => moveTo(ctrl ? lastRow : at.row, lastCol, shift),
      PageUp: () => moveTo(at.row - pageRows, at.col, shift),
      PageDown: () => moveTo(at.row + pageRows, at.col, shift),
    };
    const move = moves[key];
    if (move) {
      event.preventDefault();
      move();
      return;
    }
    if (key === "Escape" && (from.row !== at.row || from.col !== at.col)) {
      event.preventDefault();
      setAnchor(at);
      return;
    }
    if (readOnly || event.altKey) return;
    if (key === "Enter" || key === "F2") {
      event.preventDefault();
      startEditing(valueToText(cellValue(value, at.row, columns[at.col]!)));
    } else if (key === "Delete") {
      event.preventDefault();
      clearSelection();
    } else if (key === "Backspace") {
      event.preventDefault();
      startEditing("");
    } else if (key.length === 1 && !ctrl) {
      event.preventDefault();
      startEditing(key);
    }
  };

  const clearSelection = () => {
    const changes: GridChange[] = [];
    for (let row = top; row <= bottom; row++)
      for (let col = left; col <= right; col++) {
        const column = columns[col]!;
        if (cellValue(value, row, column) !== undefined)
          changes.push({ kind: "set", row, column: column.name, value: undefined });
      }
    if (changes.length > 0) props.onChange(changes);
  };

  const commit = (state: Editing, next: Cell | null) => {
    set(state.row, state.col, state.text);
    setEditing(null);
    if (next) moveTo(next.row, next.col);
  };

  const onInputKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    event.stopPropagation();
    if (!editingNow) return;
    const { row, col } = editingNow;
    if (event.key === "Enter") {
      event.preventDefault();
      commit(editingNow, { row: event.shiftKey ? row - 1 : row + 1, col });
    } else if (event.key === "Escape") {
      event.preventDefault();
      setEditing(null);
      wantFocus.current = true;
    } else if (event.key === "Tab") {
      const back = event.shiftKey;
      const target = back
        ? col > 0
          ? { row, col: col - 1 }
          : row > 0
            ? { row: row - 1, col: lastCol }
            : null
        : col < lastCol
          ? { row, col: col + 1 }
          : row < lastRow
            ? { row: row + 1, col: 0 }
            : null;
      // At the grid's first or last cell Tab leaves the grid, as it does elsewhere.
      if (target) event.preventDefault();
      commit(editingNow, target);
    }
  };

  const onMouseDown = (event: React.MouseEvent<HTMLDivElement>) => {
    const cell = (event.target as HTMLElement).closest<HTMLElement>("[data-row][data-col]");
    if (!cell || event.target instanceof HTMLInputElement) return;
    if (editingNow) commit(editingNow, null);
    moveTo(Number(cell.dataset.row), Number(cell.dataset.col), event.shiftKey);
  };

  const addRow = () => {
    setMessage("");
    props.onChange([{ kind: "splice", start: rows, deleteCount: 0, items: [{}] }]);
    setFocus({ row: rows, col: 0 });
    setAnchor({ row: rows, col: 0 });
    wantFocus.current = true;
  };

  const deleteRow = () => {
    setMessage("");
    setEditing(null);
    props.onChange([{ kind: "splice", start: at.row, deleteCount: 1, items: [] }]);
    setAnchor(at);
  };

  const canAdd = !readOnly && rows < (props.maxItems ?? Number.POSITIVE_INFINITY);
  const canDelete = !readOnly && rows > 0 && rows > (props.minItems ?? 0);
  const errorCount = [...errors.keys()].filter((key) => key.startsWith(`${pointer}/`)).length;

  return (
    <div className={styles.wrap}>
      <div
        ref={scroller}
        role="grid"
        aria-label={label}
        aria-rowcount={rows + 1}
        aria-colcount={columns.length + 1}
        aria-multiselectable="true"
        aria-readonly={readOnly || undefined}
        aria-describedby={`${idPrefix}-help`}
        data-pointer={pointer}
        className={styles.grid}
        // With no rows the grid itself is the tab stop, so a paste can fill it.
        tabIndex={rows === 0 ? 0 : undefined}
        style={{ scrollPaddingTop: HEADER_HEIGHT, scrollPaddingLeft: ROW_NUMBER_WIDTH }}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
        onKeyDown={onGridKeyDown}
        onMouseDown={onMouseDown}
        onDoubleClick={() => startEditing(valueToText(cellValue(value, at.row, columns[at.col]!)))}
      >
        <div
          role="row"
          aria-rowindex={1}
          className={styles.header}
          style={{ gridTemplateColumns: template, width, height: HEADER_HEIGHT }}
        >
          <div role="columnheader" aria-colindex={1} className={styles.corner}>
            #
          </div>
          {columns.map((column, col) => (
            <div
              key={column.name}
              role="columnheader"
              aria-colindex={col + 2}
              className={styles.columnHeader}
              title={column.description ? `${column.title}: ${column.description}` : column.title}
            >
              {column.title}
              {column.required && (
                <span className={styles.required} title="required">
                  *
                </span>
              )}
            </div>
          ))}
        </div>
        <div role="rowgroup" className={styles.body} style={{ height: rows * ROW_HEIGHT, width }}>
          {shown.map((row) => {
            const rowErrors = messages.get(row);
            const rowErrorId = `${idPrefix}-r${row}-error`;
            return (
              <div
                key={row}
                role="row"
                aria-rowindex={row + 2}
                className={styles.row}
                style={{ top: row * ROW_HEIGHT, gridTemplateColumns: template, width }}
              >
                <div
                  role="rowheader"
                  aria-colindex={1}
                  className={rowErrors ? `${styles.rowNumber} ${styles.invalid}` : styles.rowNumber}
                  aria-invalid={rowErrors ? true : undefined}
                  aria-describedby={rowErrors ? rowErrorId : undefined}
                  title={rowErrors?.join("\n")}
                >
                  {row + 1}
                  {rowErrors && (
                    <span id={rowErrorId} className="sr-only">
                      {rowErrors.join("; ")}
                    </span>
                  )}
                </div>
                {columns.map((column, col) => {
                  const cellPointer = `${pointer}/${row}/${escapePointerToken(column.name)}`;
                  const error = errors.get(cellPointer);
                  const focused = row === at.row && col === at.col;
                  const selected = row >= top && row <= bottom && col >= left && col <= right;
                  const edited = editingNow && editingNow.row === row && editingNow.col === col;
                  const errorId = `${idPrefix}-r${row}-c${col}-error`;
                  const classes = [styles.cell];
                  if (selected) classes.push(styles.selected);
                  if (error) classes.push(styles.invalid);
                  if (edited) classes.push(styles.editing);
                  return (
                    <div
                      key={column.name}
                      role="gridcell"
                      aria-colindex={col + 2}
                      aria-selected={selected}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={error ? errorId : undefined}
                      title={error}
                      data-pointer={cellPointer}
                      data-row={row}
                      data-col={col}
                      tabIndex={focused ? 0 : -1}
                      className={classes.join(" ")}
                    >
                      {edited ? (
                        <input
                          ref={input}
                          className={styles.input}
                          value={editingNow.text}
                          aria-label={`${column.title}, row ${row + 1}`}
                          list={column.options ? `${idPrefix}-c${col}-options` : undefined}
                          onChange={(event) =>
                            setEditing({ ...editingNow, text: event.target.value })
                          }
                          onKeyDown={onInputKeyDown}
                          onBlur={() => {
                            if (editingNow) commit(editingNow, null);
                          }}
                        />
                      ) : (
                        <span className={styles.text}>
                          {valueToText(cellValue(value, row, column))}
                        </span>
                      )}
                      {error && (
                        <span id={errorId} className="sr-only">
                          {error}
                        </span>
                      )}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
      {columns.map((column, col) =>
        column.options ? (
          <datalist key={column.name} id={`${idPrefix}-c${col}-options`}>
            {[...new Set(column.options.map(valueToText))].map((text) => (
              <option key={text} value={text} />
            ))}
          </datalist>
        ) : null,
      )}
      <div className={styles.footer}>
        {!readOnly && (
          <>
            <button type="button" className="btn btn-small" disabled={!canAdd} onClick={addRow}>
              Add row
            </button>
            <button
              type="button"
              className="btn btn-small btn-danger"
              disabled={!canDelete}
              onClick={deleteRow}
            >
              Delete row
            </button>
          </>
        )}
        <span className={styles.count}>
          {rows.toLocaleString("en")} row{rows === 1 ? "" : "s"}
          {errorCount > 0 && `, ${errorCount} problem${errorCount === 1 ? "" : "s"}`}
        </span>
      </div>
      <p id={`${idPrefix}-help`} className={styles.help}>
        {rows === 0 && !readOnly
          ? "No rows yet: add one, or paste rows copied from a spreadsheet. "
          : ""}
        Arrows move; Enter, F2 or typing edits; Ctrl+V pastes from a spreadsheet.
      </p>
      <p role="status" aria-live="polite" className={styles.message}>
        {message}
      </p>
    </div>
  );
}
