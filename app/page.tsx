import { redirect } from "next/navigation";

/** The portal starts at the runs list (which sends visitors without a session to /signin). */
export default function HomePage() {
  redirect("/runs");
}
