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
