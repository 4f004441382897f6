import { CopyButton } from "@/components/ui/copy-button";
import styles from "./code-block.module.css";

/** A labelled block of code or JSON with a copy button; the text is rendered as text. */
export function CodeBlock({
  code,
  label,
  wrap = false,
}: {
  code: string;
  /** What the block holds, for the copy button: "example config", "curl command". */
  label: string;
  /** Wrap long lines (commands) instead of scrolling (JSON keeps its layout). */
  wrap?: boolean;
}) {
  return (
    <div className={styles.block}>
      <div className={styles.actions}>
        <CopyButton text={code} label={`Copy the ${label}`} />
      </div>
      <pre className={wrap ? styles.wrap : undefined} aria-label={label} tabIndex={0}>
        <code>{code}</code>
      </pre>
    </div>
  );
}
