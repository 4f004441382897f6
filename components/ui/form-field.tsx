import type { ReactNode } from "react";

/** A labelled control; its error (if any) is shown under it with the id `<id>-error`. */
export function FormField({
  id,
  label,
  error,
  className,
  children,
}: {
  /** The control's id. */
  id: string;
  label: ReactNode;
  error?: string | null;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The control's aria attributes: marked invalid and described by its error when it has one. */
export function invalidProps(id: string, error: unknown, describedBy?: string) {
  if (error) return { "aria-invalid": true as const, "aria-describedby": `${id}-error` };
  return describedBy ? { "aria-describedby": describedBy } : {};
}

/** A filter of a list page: a labelled select of `options` with "Any" first, kept in the URL. */
export function SelectFilter({
  id,
  name,
  label,
  options,
  params,
}: {
  id: string;
  /** The query parameter it sets. */
  name: string;
  label: ReactNode;
  options: readonly string[];
  /** The page's query, for the current choice. */
  params: URLSearchParams;
}) {
  return (
    <FormField id={id} label={label}>
      <select id={id} name={name} defaultValue={params.get(name) ?? ""}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </FormField>
  );
}
