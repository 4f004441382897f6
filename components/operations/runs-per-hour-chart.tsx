import type { OperationsView } from "@/lib/contract/operations";
import styles from "./runs-per-hour-chart.module.css";

const OUTCOMES = [
  { key: "succeeded", label: "Succeeded", color: "var(--ok)" },
  { key: "failed", label: "Failed", color: "var(--danger)" },
  { key: "error", label: "Error", color: "var(--warn)" },
  { key: "cancelled", label: "Cancelled", color: "var(--muted)" },
] as const;

const WIDTH = 720;
const HEIGHT = 160;
const AXIS = 18;

/**
 * Stacked bars of finished runs per hour by outcome (an SVG: no chart library, nothing
 * fetched). The same numbers are in a table for screen readers.
 */
export function RunsPerHourChart({ hours }: { hours: OperationsView["perHour"] }) {
  const totals = hours.map((h) => h.succeeded + h.failed + h.error + h.cancelled);
  const max = Math.max(1, ...totals);
  const slot = WIDTH / hours.length;
  const scale = (HEIGHT - AXIS) / max;
  return (
    <figure className={styles.figure}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className={styles.chart}
        role="img"
        aria-label={`Finished runs per hour; most in one hour: ${Math.max(0, ...totals)}`}
      >
        {hours.map((h, i) => {
          let y = HEIGHT - AXIS;
          return (
            <g key={h.hour}>
              <title>
                {`${h.hour.slice(11, 16)} UTC: ${OUTCOMES.map((o) => `${h[o.key]} ${o.key}`).join(", ")}`}
              </title>
              {OUTCOMES.map((o) => {
                const height = h[o.key] * scale;
                y -= height;
                return height > 0 ? (
                  <rect
                    key={o.key}
                    x={i * slot + 2}
                    y={y}
                    width={slot - 4}
                    height={height}
                    fill={o.color}
                  />
                ) : null;
              })}
              {i % 3 === 0 ? (
                <text x={i * slot + slot / 2} y={HEIGHT - 4} className={styles.tick}>
                  {h.hour.slice(11, 13)}h
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className={styles.legend}>
        {OUTCOMES.map((o) => (
          <span key={o.key}>
            <span className={styles.swatch} style={{ background: o.color }} /> {o.label}
          </span>
        ))}
        <span className="muted">hours in UTC; highest bar: {max} runs</span>
      </figcaption>
      <table className="sr-only">
        <caption>Finished runs per hour</caption>
        <thead>
          <tr>
            <th scope="col">Hour (UTC)</th>
            {OUTCOMES.map((o) => (
              <th key={o.key} scope="col">
                {o.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {hours.map((h) => (
            <tr key={h.hour}>
              <th scope="row">{h.hour}</th>
              {OUTCOMES.map((o) => (
                <td key={o.key}>{h[o.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
