/**
 * How many runs the list matches: "1,234 runs", or "more than 10,000 runs" when the count
 * stopped at its cap (the API's totalIsLowerBound: a long history is never counted whole).
 */
export function RunTotal({
  total,
  totalIsLowerBound,
}: {
  total: number;
  totalIsLowerBound?: boolean;
}) {
  const count = total.toLocaleString("en");
  if (totalIsLowerBound) return <>more than {count} runs</>;
  return (
    <>
      {count} run{total === 1 ? "" : "s"}
    </>
  );
}
