/** Small zod pieces every part of the contract uses. Client-safe: imports only zod. */
import { z } from "zod";

/** A timestamp as the API writes it: ISO 8601 in UTC (`Date.toISOString()`). */
export const zDateTime = () => z.iso.datetime();

/** A query flag: the text true or false (the OpenAPI document calls it a boolean). */
export const zFlag = (description: string) =>
  z.enum(["true", "false"]).optional().meta({ description });

/** `{items: [...]}`, the shape of every list the API returns. */
export const zList = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
