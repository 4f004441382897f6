import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";

/** Flags that open a folder, and only a folder that is not a symbolic link. */
export const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * A path that reaches what `handle` has open without walking a path again (Linux):
 * /proc/self/fd/N leads to the open folder itself, whatever was renamed or swapped for a
 * link since. With `name`, the entry of that folder.
 */
export function throughDescriptor(handle: FileHandle, name?: string): string {
  return name === undefined ? `/proc/self/fd/${handle.fd}` : `/proc/self/fd/${handle.fd}/${name}`;
}

/**
 * Opens the entry `name` of an open folder (openat(2) with O_NOFOLLOW): a link in its
 * place is refused (ELOOP), whatever `flags` says. `name` is one path segment.
 */
export async function openIn(folder: FileHandle, name: string, flags: number): Promise<FileHandle> {
  if (name === "" || name === "." || name === ".." || name.includes("/")) {
    throw Object.assign(new Error(`not a single path segment: ${JSON.stringify(name)}`), {
      code: "EINVAL",
    });
  }
  return open(throughDescriptor(folder, name), flags | constants.O_NOFOLLOW);
}

/**
 * Opens files below the folder `root` one segment at a time: `root` and every folder on
 * the way with O_DIRECTORY|O_NOFOLLOW, the last segment with the given flags and
 * O_NOFOLLOW. A folder swapped for a symbolic link by a process that is still running
 * (between a listing and the open) is refused (ENOTDIR; a link to a file: ELOOP) instead
 * of being followed. Only `root`'s own parents are walked as a path: they must be out of
 * that process's reach. The folders of the last path stay open for the next file (files
 * come in walk order, mostly from the same folder): close() when done.
 */
export class BeneathOpener {
  /** The open folders of the last path: [0] is `root`. */
  private chain: { name: string; handle: FileHandle }[] = [];

  constructor(private readonly root: string) {}

  async open(relative: string, flags: number): Promise<FileHandle> {
    const segments = relative.split("/");
    const last = segments.pop() ?? "";
    if (this.chain.length === 0) {
      this.chain.push({ name: "", handle: await open(this.root, FOLDER_FLAGS) });
    }
    let shared = 0; // folders below root that the last path and this one share
    while (shared < segments.length && this.chain[shared + 1]?.name === segments[shared]) {
      shared += 1;
    }
    await this.closeFrom(shared + 1);
    for (const segment of segments.slice(shared)) {
      const handle = await openIn(this.current(), segment, FOLDER_FLAGS);
      this.chain.push({ name: segment, handle });
    }
    return openIn(this.current(), last, flags);
  }

  async close(): Promise<void> {
    await this.closeFrom(0);
  }

  private current(): FileHandle {
    const folder = this.chain.at(-1);
    if (!folder) throw new Error("no folder open");
    return folder.handle;
  }

  private async closeFrom(index: number): Promise<void> {
    const closing = this.chain.splice(index);
    await Promise.all(closing.map(({ handle }) => handle.close().catch(() => undefined)));
  }
}

/** One file below `root` (see BeneathOpener), its folders closed again. */
export async function openBeneath(
  root: string,
  relative: string,
  flags: number,
): Promise<FileHandle> {
  const opener = new BeneathOpener(root);
  try {
    return await opener.open(relative, flags);
  } finally {
    await opener.close();
  }
}
