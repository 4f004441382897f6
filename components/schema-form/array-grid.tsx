"use client";

/**
 * An array of flat objects as an editable spreadsheet-like grid (a row per item, a column per
 * property): keyboard first (roving tabindex, arrows, Enter/F2/typing to edit), paste of TSV
 * from a spreadsheet, copy as TSV, and only the rows and columns in view in the DOM so 10,000
 * rows of 38 columns stay fast. The grid never changes the array itself: every user action is
 * one onChange call with the changes, and the parent (the schema form) applies them and
 * validates. Longer than the house's 250 lines: it is one widget whose state (focus, selection,
 * editing, scroll window) every handler shares; the pure parts are in grid-values.ts and tsv.ts.
 */
import {
  type JSX,
  type ReactNode,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import styles from "./array-grid.module.css";
import {
  blockFields,
  canShowAsGrid,
  cellValue,
  escapePointerToken,
  type GridChange,
  type GridColumn,
  gridColumns,
  moveFor,
  planPaste,
  readGridErrors,
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
const OVERSCAN_ROWS = 6;
const OVERSCAN_PX = 240;
/** The view assumed before the grid is measured (and where nothing measures: tests). */
const DEFAULT_VIEW_ROWS = 14;
const DEFAULT_VIEW_WIDTH = 1400;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** Indexes from..to, plus `extra` where it falls outside (the focused row or column). */
function windowWith(from: number, to: number, extra: number, count: number): number[] {
  const list: number[] = [];
  if (count === 0) return list;
  if (extra < from) list.push(extra);
  for (let index = from; index <= to; index++) list.push(index);
  if (extra > to) list.push(extra);
  return list;
}

export function ArrayGrid(props: ArrayGridProps): JSX.Element {
  const { label, pointer, itemSchema, value, errors, idPrefix } = props;
  const readOnly = props.readOnly === true;
  const columns = useMemo(() => gridColumns(itemSchema), [itemSchema]);
  const rows = value.length;
  const [focus, setFocus] = useState<Cell>({ row: 0, col: 0 });
  const [anchor, setAnchor] = useState<Cell>({ row: 0, col: 0 });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  const [viewSize, setViewSize] = useState({ width: 0, height: 0 });
  const [message, setMessage] = useState("");
  const scroller = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  /** Set by the grid's own actions: the focused cell should get DOM focus after rendering. */
  const wantFocus = useRef(false);
  /** The edit last committed or cancelled: a blur that follows must not commit it again. */
  const closed = useRef<Editing | null>(null);

  const lastRow = Math.max(0, rows - 1);
  const lastCol = Math.max(0, columns.length - 1);
  const at: Cell = { row: Math.min(focus.row, lastRow), col: Math.min(focus.col, lastCol) };
  const from: Cell = { row: Math.min(anchor.row, lastRow), col: Math.min(anchor.col, lastCol) };
  const block = {
    top: Math.min(at.row, from.row),
    bottom: Math.max(at.row, from.row),
    left: Math.min(at.col, from.col),
    right: Math.max(at.col, from.col),
  };
  const editingNow = editing && editing.row < rows && editing.col < columns.length ? editing : null;

  const problems = useMemo(
    () => readGridErrors(errors, pointer, columns),
    [errors, pointer, columns],
  );
  const offsets = useMemo(() => {
    let sum = 0;
    return columns.map((column) => (sum += column.width) - column.width);
  }, [columns]);
  const width = ROW_NUMBER_WIDTH + columns.reduce((sum, column) => sum + column.width, 0);
  const template = `${ROW_NUMBER_WIDTH}px ${columns.map((column) => `${column.width}px`).join(" ")}`;

  // The window of rows and columns in the DOM.
  const viewRows =
    viewSize.height > 0 ? viewSize.height - HEADER_HEIGHT : DEFAULT_VIEW_ROWS * ROW_HEIGHT;
  const pageRows = Math.max(1, Math.floor(viewRows / ROW_HEIGHT) - 1);
  const firstRow = Math.max(0, Math.floor(scroll.top / ROW_HEIGHT) - OVERSCAN_ROWS);
  const lastShownRow = Math.min(
    lastRow,
    Math.ceil((scroll.top + viewRows) / ROW_HEIGHT) + OVERSCAN_ROWS,
  );
  // The focused row and column stay in the DOM when scrolled away: they hold the one tab stop.
  const shownRows = windowWith(firstRow, lastShownRow, at.row, rows);
  const viewWidth = (viewSize.width || DEFAULT_VIEW_WIDTH) - ROW_NUMBER_WIDTH;
  const shownCols = columns.flatMap((column, col) =>
    col === at.col ||
    (offsets[col]! + column.width > scroll.left - OVERSCAN_PX &&
      offsets[col]! < scroll.left + viewWidth + OVERSCAN_PX)
      ? [col]
      : [],
  );

  // Latest state for the document's copy and paste listeners.
  const latest = useRef({ value, columns, at, block, editingNow, props });
  const clearRef = useRef(() => {});
  latest.current = { value, columns, at, block, editingNow, props };

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setViewSize({ width: element.clientWidth, height: element.clientHeight });
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
    if (!cell) return; // a row just added: the parent has not rendered it yet
    wantFocus.current = false;
    cell.focus({ preventScroll: true });
    cell.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  });

  useEffect(() => {
    // Copy, cut and paste reach the document whatever has focus (a cell is not editable):
    // the grid takes those made while focus is inside it. A cut copies, then empties the cells.
    const inGrid = () => {
      const active = document.activeElement;
      return active !== null && scroller.current?.contains(active) === true;
    };
    const copy = (event: ClipboardEvent) => {
      const state = latest.current;
      if (state.editingNow || !inGrid() || !event.clipboardData || state.value.length === 0) return;
      event.clipboardData.setData(
        "text/plain",
        writeTsv(blockFields(state.value, state.columns, state.block)),
      );
      event.preventDefault();
      if (event.type === "cut" && !state.props.readOnly) clearRef.current();
    };
    const paste = (event: ClipboardEvent) => {
      const state = latest.current;
      if (state.props.readOnly || state.editingNow || !inGrid() || !event.clipboardData) return;
      event.preventDefault();
      const fields = parseTsv(event.clipboardData.getData("text/plain"));
      if (fields.length === 0 || state.columns.length === 0) return;
      const start = { row: state.value.length === 0 ? 0 : state.at.row, col: state.at.col };
      const plan = planPaste({
        value: state.value,
        columns: state.columns,
        row: start.row,
        column: start.col,
        fields,
        maxItems: state.props.maxItems,
      });
      const notes: string[] = [];
      if (plan.droppedRows > 0)
        notes.push(
          `${plural(plan.droppedRows, "pasted row")} left out: at most ${state.props.maxItems} rows.`,
        );
      if (plan.droppedColumns > 0)
        notes.push(
          `${plural(plan.droppedColumns, "pasted column")} past the last column left out.`,
        );
      setMessage(notes.join(" "));
      if (plan.changes.length > 0) state.props.onChange(plan.changes);
      if (plan.rows > 0 && plan.columns > 0) {
        setAnchor(start);
        setFocus({ row: start.row + plan.rows - 1, col: start.col + plan.columns - 1 });
        wantFocus.current = true;
      }
    };
    document.addEventListener("copy", copy);
    document.addEventListener("cut", copy);
    document.addEventListener("paste", paste);
    return () => {
      document.removeEventListener("copy", copy);
      document.removeEventListener("cut", copy);
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

  const textAt = (cell: Cell) => {
    const column = columns[cell.col];
    return column ? valueToText(cellValue(value, cell.row, column)) : "";
  };

  const startEditing = (text: string) => {
    if (readOnly || rows === 0 || columns.length === 0) return;
    setMessage("");
    setEditing({ row: at.row, col: at.col, text });
  };

  const commit = (state: Editing, next: Cell | null) => {
    if (closed.current === state) return;
    closed.current = state;
    const column = columns[state.col]!;
    const changed = textToValue(state.text, column);
    if (!Object.is(changed, cellValue(value, state.row, column)))
      props.onChange([{ kind: "set", row: state.row, column: column.name, value: changed }]);
    setEditing(null);
    if (next) moveTo(next.row, next.col);
  };

  const clearBlock = () => {
    const changes: GridChange[] = [];
    for (let row = block.top; row <= block.bottom; row++)
      for (let col = block.left; col <= block.right; col++) {
        const column = columns[col]!;
        if (cellValue(value, row, column) !== undefined)
          changes.push({ kind: "set", row, column: column.name, value: undefined });
      }
    if (changes.length > 0) props.onChange(changes);
  };

  clearRef.current = clearBlock;

  const nextProblem = () => {
    const after = problems.places.find(
      (place) => place.row > at.row || (place.row === at.row && place.col > at.col),
    );
    const place = after ?? problems.places[0];
    if (place) moveTo(place.row, Math.max(0, place.col));
  };

  const onGridKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (event.target instanceof HTMLInputElement || rows === 0 || columns.length === 0) return;
    const ctrl = event.ctrlKey || event.metaKey;
    const shift = event.shiftKey;
    const key = event.key;
    const target = event.altKey ? null : moveFor(key, ctrl, at, { lastRow, lastCol, pageRows });
    if (target) {
      event.preventDefault();
      moveTo(target.row, target.col, shift);
    } else if (key === "F8") {
      event.preventDefault();
      nextProblem();
    } else if (key === "Escape" && (from.row !== at.row || from.col !== at.col)) {
      event.preventDefault();
      setAnchor(at);
    } else if (readOnly || event.altKey || ctrl) {
      return;
    } else if (key === "Enter" || key === "F2") {
      event.preventDefault();
      startEditing(textAt(at));
    } else if (key === "Delete") {
      event.preventDefault();
      clearBlock();
    } else if (key === "Backspace") {
      event.preventDefault();
      startEditing("");
    } else if (key.length === 1) {
      event.preventDefault();
      startEditing(key);
    }
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
      closed.current = editingNow;
      setEditing(null);
      wantFocus.current = true;
    } else if (event.key === "Tab") {
      const index = row * columns.length + col + (event.shiftKey ? -1 : 1);
      const inside = index >= 0 && index < rows * columns.length;
      // At the grid's first or last cell the edit ends on that cell; the next Tab leaves the
      // grid (letting this one go would start from the removed input: the page's top).
      event.preventDefault();
      commit(
        editingNow,
        inside
          ? { row: Math.floor(index / columns.length), col: index % columns.length }
          : { row, col },
      );
    }
  };

  const onMouseDown = (event: React.MouseEvent<HTMLDivElement>) => {
    const cell = (event.target as HTMLElement).closest<HTMLElement>("[data-row][data-col]");
    if (!cell || event.target instanceof HTMLInputElement) return;
    if (editingNow) commit(editingNow, null);
    moveTo(Number(cell.dataset.row), Number(cell.dataset.col), event.shiftKey);
  };

  // A cell focused some other way (a script, a screen reader's own cursor) becomes the focus.
  const onFocus = (event: React.FocusEvent<HTMLDivElement>) => {
    const cell = (event.target as HTMLElement).closest<HTMLElement>("[data-row][data-col]");
    if (!cell || event.target !== cell) return;
    const row = Number(cell.dataset.row);
    const col = Number(cell.dataset.col);
    if (row !== at.row || col !== at.col) {
      setFocus({ row, col });
      setAnchor({ row, col });
    }
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
  const problemCount = problems.places.length;

  const renderCell = (row: number, col: number): ReactNode => {
    const column = columns[col]!;
    const cellPointer = `${pointer}/${row}/${escapePointerToken(column.name)}`;
    const error = errors.get(cellPointer);
    const selected =
      row >= block.top && row <= block.bottom && col >= block.left && col <= block.right;
    const edited = editingNow !== null && editingNow.row === row && editingNow.col === col;
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
        tabIndex={row === at.row && col === at.col ? 0 : -1}
        className={classes.join(" ")}
        style={{ gridArea: `1 / ${col + 2}` }}
      >
        {edited ? (
          <input
            ref={input}
            className={styles.input}
            value={editingNow.text}
            aria-label={`${column.title}, row ${row + 1}`}
            list={options(column) ? `${idPrefix}-c${col}-options` : undefined}
            onChange={(event) => setEditing({ ...editingNow, text: event.target.value })}
            onKeyDown={onInputKeyDown}
            onBlur={() => commit(editingNow, null)}
          />
        ) : (
          <span className={styles.text}>{valueToText(cellValue(value, row, column))}</span>
        )}
        {error && (
          <span id={errorId} className="sr-only">
            {error}
          </span>
        )}
      </div>
    );
  };

  const renderRow = (row: number): ReactNode => {
    const rowErrors = problems.byRow.get(row);
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
        {shownCols.map((col) => renderCell(row, col))}
      </div>
    );
  };

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
        // With no rows the grid itself is the tab stop, so that a paste can fill it.
        tabIndex={rows === 0 ? 0 : undefined}
        style={{ scrollPaddingTop: HEADER_HEIGHT, scrollPaddingLeft: ROW_NUMBER_WIDTH }}
        onScroll={(event) =>
          setScroll({ top: event.currentTarget.scrollTop, left: event.currentTarget.scrollLeft })
        }
        onKeyDown={onGridKeyDown}
        onMouseDown={onMouseDown}
        onFocus={onFocus}
        onDoubleClick={() => startEditing(textAt(at))}
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
          {shownCols.map((col) => {
            const column = columns[col]!;
            return (
              <div
                key={column.name}
                role="columnheader"
                aria-colindex={col + 2}
                className={styles.columnHeader}
                style={{ gridArea: `1 / ${col + 2}` }}
                title={column.description ? `${column.title}: ${column.description}` : column.title}
              >
                {column.title}
                {column.required && (
                  <span className={styles.required} title="required">
                    *
                  </span>
                )}
              </div>
            );
          })}
        </div>
        <div role="rowgroup" className={styles.body} style={{ height: rows * ROW_HEIGHT, width }}>
          {shownRows.map(renderRow)}
        </div>
      </div>
      {columns.map((column, col) => {
        const list = options(column);
        return list ? (
          <datalist key={column.name} id={`${idPrefix}-c${col}-options`}>
            {list.map((text) => (
              <option key={text} value={text} />
            ))}
          </datalist>
        ) : null;
      })}
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
              title={canDelete ? `Delete row ${at.row + 1}` : undefined}
              onClick={deleteRow}
            >
              Delete row
            </button>
          </>
        )}
        {problemCount > 0 && (
          <button type="button" className="btn btn-small" onClick={nextProblem}>
            Next problem
          </button>
        )}
        <span className={styles.count}>
          {plural(rows, "row").replace(/^\d+/, rows.toLocaleString("en"))}
          {problemCount > 0 && `, ${plural(problemCount, "problem")}`}
        </span>
      </div>
      <p id={`${idPrefix}-help`} className={styles.help}>
        {rows === 0 && !readOnly
          ? "No rows yet: add one, or paste rows copied from a spreadsheet. "
          : ""}
        Arrows move; Enter, F2 or typing edits; Ctrl+V pastes from a spreadsheet
        {problemCount > 0 ? "; F8 goes to the next problem" : ""}.
      </p>
      <p role="status" aria-live="polite" className={styles.message}>
        {message}
      </p>
    </div>
  );
}

/** The suggestions of a cell's editor: the enum's values, or true/false (as text, once each). */
function options(column: GridColumn): string[] | undefined {
  if (column.options) return [...new Set(column.options.map(valueToText))];
  return column.types.has("boolean") ? ["true", "false"] : undefined;
}
