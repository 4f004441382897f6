/** A problem to show, or nothing when there is none; read out as soon as it appears. */
export function ErrorAlert({
  message,
  className,
}: {
  message?: string | null;
  className?: string;
}) {
  if (!message) return null;
  return (
    <div
      className={className ? `alert alert-error ${className}` : "alert alert-error"}
      role="alert"
    >
      {message}
    </div>
  );
}
