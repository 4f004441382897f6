/** Saves a chart: its SVG as drawn, or a PNG of it at twice its size on white. */

function save(href: string, name: string): void {
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

/** A file name from a chart title: letters, digits, - and _ only. */
export function fileName(title: string, extension: string): string {
  const base = title.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "chart";
  return `${base}.${extension}`;
}

export function saveSvg(svg: string, title: string): void {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  save(url, fileName(title, "svg"));
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function savePng(svg: string, width: number, height: number, title: string) {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = width * 2;
    canvas.height = height * 2;
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2D canvas");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    save(canvas.toDataURL("image/png"), fileName(title, "png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}
